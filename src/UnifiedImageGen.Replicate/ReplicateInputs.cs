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
        else
        {
            MapFlux(mapping, model, request, options, input, Drop, warnings, behavior);
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
            input["aspect_ratio"] = ratio.ToString();
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

    // Replicate takes file inputs as URLs, or as data: URLs for bytes.
    private static string Reference(ImageInput image) =>
        image.Uri?.AbsoluteUri ?? $"data:{image.MediaType};base64,{Convert.ToBase64String(image.Data.Span)}";
}
