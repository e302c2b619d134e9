using System.Globalization;
using System.Text.Json.Nodes;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Replicate;

/// <summary>Maps a validated request onto a model's <c>input</c> object (PROVIDERS.md 3.6), recording what it drops.</summary>
internal static class ReplicateInputs
{
    private static readonly string[] Reserved = ["prompt"];

    public static JsonObject Build(ImageModelDescriptor model, ImageGenerationRequest request, ReplicateRequestOptions options, JsonObject? json, List<ImageGenerationWarning> warnings, UnsupportedSettingBehavior behavior)
    {
        var mapping = ReplicateModels.MappingOf(model.Id);
        var input = new JsonObject();
        if (request.Prompt is { } prompt)
        {
            input["prompt"] = prompt;
        }

        void Drop(string setting, string value, string detail) =>
            warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, ReplicateImageGenerator.ProviderName, model.Id, setting, value, detail));

        if (mapping == ReplicateInputMapping.Generic)
        {
            const string Hint = "this model's inputs are not mapped: pass them in ReplicateRequestOptions.Input";
            if (request.Seed is { } seed) Drop("Seed", seed.ToString(CultureInfo.InvariantCulture), Hint);
            if (request.Size is { } size) Drop("Size", size.ToString(), Hint);
            if (request.AspectRatio is { } ratio) Drop("AspectRatio", ratio.ToString(), Hint);
            if (request.NegativePrompt is not null) Drop("NegativePrompt", "(set)", Hint);
            if (request.Steps is { } steps) Drop("Steps", steps.ToString(CultureInfo.InvariantCulture), Hint);
            if (request.GuidanceScale is { } guidance) Drop("GuidanceScale", guidance.ToString(CultureInfo.InvariantCulture), Hint);
            if (request.OutputFormat is { } format) Drop("OutputFormat", format.Value, Hint);
            if (request.InputImages.Count > 0) Drop("InputImages", request.InputImages.Count.ToString(CultureInfo.InvariantCulture), Hint);
            if (request.Loras.Count > 0) Drop("Loras", request.Loras.Count.ToString(CultureInfo.InvariantCulture), Hint);
        }
        else if (mapping is ReplicateInputMapping.FluxSchnell or ReplicateInputMapping.FluxDev or ReplicateInputMapping.FluxPro)
        {
            MapFlux(mapping, model, request, options, input, Drop, warnings, behavior);
        }
        else
        {
            MapHosted(mapping, model, request, options, input, Drop, warnings, behavior);
        }

        ProviderOptionsReader.Merge(input, options.Input, ReplicateImageGenerator.ProviderName, Reserved);
        ProviderOptionsReader.Merge(input, json, ReplicateImageGenerator.ProviderName, Reserved);
        return input;
    }

    private static void MapFlux(ReplicateInputMapping mapping, ImageModelDescriptor model, ImageGenerationRequest request, ReplicateRequestOptions options, JsonObject input, Action<string, string, string> drop, List<ImageGenerationWarning> warnings, UnsupportedSettingBehavior behavior)
    {
        if (mapping == ReplicateInputMapping.FluxPro && request.Size is { } size)
        {
            input["aspect_ratio"] = "custom";
            input["width"] = size.Width;
            input["height"] = size.Height;
        }
        else if (request.AspectRatio is { } ratio)
        {
            input["aspect_ratio"] = RatioName(ratio);
        }

        if (mapping != ReplicateInputMapping.FluxPro)
        {
            input["num_outputs"] = request.Count;
        }

        if (request.Seed is { } seed)
        {
            input["seed"] = seed;
        }

        if (request.OutputFormat is { } format)
        {
            input["output_format"] = format == ImageFormat.Jpeg ? "jpg" : format.Value;
        }

        if (request.Steps is { } steps)
        {
            int max = mapping == ReplicateInputMapping.FluxSchnell ? 4 : 50;
            int applied = Math.Clamp(steps, 1, max);
            if (applied != steps)
            {
                warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ReplicateImageGenerator.ProviderName, model.Id, "Steps", steps.ToString(CultureInfo.InvariantCulture), applied.ToString(CultureInfo.InvariantCulture), $"{model.Id} takes 1 to {max} steps"));
            }

            input["num_inference_steps"] = applied;
        }

        if (request.GuidanceScale is { } guidance)
        {
            if (mapping == ReplicateInputMapping.FluxDev)
            {
                input["guidance"] = Math.Clamp(guidance, 0, 10);
            }
            else
            {
                drop("GuidanceScale", guidance.ToString(CultureInfo.InvariantCulture), "only flux-dev takes guidance");
            }
        }

        if (request.Operation == ImageOperation.ImageToImage && request.InputImages.Count > 0)
        {
            input["image"] = Reference(request.InputImages[0]);
            input["prompt_strength"] = request.Strength ?? 0.8;
        }

        if (request.Loras.Count > 0)
        {
            input["lora_weights"] = request.Loras[0].Path;
            input["lora_scale"] = request.Loras[0].Scale;
            if (request.Loras.Count > 1)
            {
                warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ReplicateImageGenerator.ProviderName, model.Id, "Loras", request.Loras.Count.ToString(CultureInfo.InvariantCulture), "1", $"{model.Id} applies one LoRA; the first is used"));
            }
        }

        if (options.DisableSafetyChecker is { } disable)
        {
            input["disable_safety_checker"] = disable;
        }

        if (options.OutputQuality is { } quality)
        {
            input["output_quality"] = Math.Clamp(quality, 0, 100);
        }

        if (mapping == ReplicateInputMapping.FluxPro)
        {
            if (options.SafetyTolerance is { } tolerance)
            {
                input["safety_tolerance"] = Math.Clamp(tolerance, 1, 6);
            }

            if (options.PromptUpsampling is { } upsampling)
            {
                input["prompt_upsampling"] = upsampling;
            }
        }
        else
        {
            if (options.GoFast is { } fast)
            {
                input["go_fast"] = fast;
            }

            if (options.Megapixels is { } megapixels)
            {
                input["megapixels"] = megapixels;
            }
        }
    }

    // FLUX 1.1 pro ultra, Kontext pro/max, FLUX.2 pro/dev: only the inputs their model API pages list (README "Sources").
    private static void MapHosted(ReplicateInputMapping mapping, ImageModelDescriptor model, ImageGenerationRequest request, ReplicateRequestOptions options, JsonObject input, Action<string, string, string> drop, List<ImageGenerationWarning> warnings, UnsupportedSettingBehavior behavior)
    {
        bool flux2 = mapping is ReplicateInputMapping.Flux2Pro or ReplicateInputMapping.Flux2Dev;
        if (request.AspectRatio is { } ratio)
        {
            // Checked first: for FLUX.2 the validator also derives a size from a ratio; the ratio is what was asked.
            input["aspect_ratio"] = RatioName(ratio);
        }
        else if (request.Size is { } size)
        {
            if (flux2)
            {
                input["aspect_ratio"] = "custom";
                input["width"] = size.Width;
                input["height"] = size.Height;
            }
            else
            {
                drop("Size", size.ToString(), $"{model.Id} takes an aspect ratio, not a size");
            }
        }

        if (request.Seed is { } seed)
        {
            input["seed"] = seed;
        }

        if (request.OutputFormat is { } format)
        {
            input["output_format"] = format == ImageFormat.Jpeg ? "jpg" : format.Value;
        }

        var images = request.Operation == ImageOperation.ImageToImage ? request.InputImages : [];
        switch (mapping)
        {
            case ReplicateInputMapping.FluxUltra when images.Count > 0:
                // Redux-style image prompt; its weight is the request's Strength.
                input["image_prompt"] = Reference(images[0]);
                if (request.Strength is { } strength)
                {
                    input["image_prompt_strength"] = strength;
                }

                break;
            case ReplicateInputMapping.Kontext when images.Count > 0:
                input["input_image"] = Reference(images[0]);
                break;
            case ReplicateInputMapping.Flux2Pro or ReplicateInputMapping.Flux2Dev when images.Count > 0:
                input["input_images"] = new JsonArray(images.Select(i => (JsonNode)Reference(i)).ToArray());
                break;
        }

        (int Min, int Max)? tolerance = mapping switch
        {
            ReplicateInputMapping.FluxUltra => (1, 6),
            ReplicateInputMapping.Kontext => (0, images.Count > 0 ? 2 : 6), // 2 is the most Kontext allows with an input image
            ReplicateInputMapping.Flux2Pro => (1, 5),
            _ => null,
        };
        if (options.SafetyTolerance is { } asked && tolerance is var (min, max))
        {
            int applied = Math.Clamp(asked, min, max);
            if (applied != asked)
            {
                warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ReplicateImageGenerator.ProviderName, model.Id, "SafetyTolerance", asked.ToString(CultureInfo.InvariantCulture), applied.ToString(CultureInfo.InvariantCulture), $"{model.Id} takes safety_tolerance {min} to {max}" + (mapping == ReplicateInputMapping.Kontext && images.Count > 0 ? " with an input image" : "")));
            }

            input["safety_tolerance"] = applied;
        }

        if (mapping == ReplicateInputMapping.Kontext && options.PromptUpsampling is { } upsampling)
        {
            input["prompt_upsampling"] = upsampling;
        }

        if (mapping == ReplicateInputMapping.FluxUltra && options.Raw is { } raw)
        {
            input["raw"] = raw;
        }

        if (flux2 && options.OutputQuality is { } quality)
        {
            input["output_quality"] = Math.Clamp(quality, 0, 100);
        }

        if (mapping == ReplicateInputMapping.Flux2Dev)
        {
            if (options.GoFast is { } fast)
            {
                input["go_fast"] = fast;
            }

            if (options.DisableSafetyChecker is { } disable)
            {
                input["disable_safety_checker"] = disable;
            }
        }
    }

    // AspectRatio keeps lowest terms (21:9 is 7:3), but FLUX's enums spell the cinema ratios 21:9 and 9:21.
    private static string RatioName(AspectRatio ratio) => ratio.SpelledAs(["21:9", "9:21"]);

    // Replicate takes file inputs as URLs, or as data: URLs for bytes.
    private static string Reference(ImageInput image) =>
        image.Uri?.AbsoluteUri ?? $"data:{image.MediaType};base64,{Convert.ToBase64String(image.Data.Span)}";
}
