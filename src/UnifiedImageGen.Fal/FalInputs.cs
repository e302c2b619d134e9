using System.Globalization;
using System.Text.Json.Nodes;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Fal;

/// <summary>Maps a validated unified request onto a fal endpoint's input (fal-js <c>types/endpoints.ts</c>).</summary>
internal static class FalInputs
{
    private static readonly string[] Reserved = ["prompt"];

    /// <summary>Checks the typed options against the endpoint's documented ranges, before anything is sent.</summary>
    public static void Check(FalEndpoint? endpoint, FalRequestOptions options)
    {
        if (options.SafetyTolerance is { } tolerance && endpoint?.MaxSafetyTolerance is { } max && (tolerance < 1 || tolerance > max))
        {
            throw new ArgumentOutOfRangeException(nameof(options), tolerance, $"FalRequestOptions.SafetyTolerance must be 1 (strictest) to {max} for {endpoint.Id}; it is {tolerance}.");
        }

        if (options.ImagePromptStrength is { } strength && !(strength >= 0 && strength <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), strength, $"FalRequestOptions.ImagePromptStrength must be 0 to 1; it is {strength.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>Builds the input JSON.</summary>
    /// <param name="model">The endpoint's descriptor.</param>
    /// <param name="request">The validated request.</param>
    /// <param name="requestedRatio">The ratio the caller asked for (fal names some shapes).</param>
    /// <param name="images">The input images as URLs: the caller's, fal storage URLs of uploaded bytes, or data: URIs.</param>
    /// <param name="options">Typed fal options.</param>
    /// <param name="json">Raw JSON options.</param>
    /// <param name="behavior">What to do with settings the endpoint does not take.</param>
    /// <param name="warnings">Collects the warnings.</param>
    public static JsonObject Build(ImageModelDescriptor model, ImageGenerationRequest request, AspectRatio? requestedRatio, IReadOnlyList<string> images, FalRequestOptions options, JsonObject? json, UnsupportedSettingBehavior behavior, List<ImageGenerationWarning> warnings)
    {
        var input = new JsonObject();
        if (request.Prompt is { } prompt)
        {
            input["prompt"] = prompt;
        }

        void Unsupported(string setting, object value, string hint) =>
            warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, FalImageGenerator.ProviderName, model.Id, setting, Convert.ToString(value, CultureInfo.InvariantCulture)!, hint));

        if (FalModels.Find(model.Id) is not { } endpoint)
        {
            const string Hint = "this endpoint's inputs are not mapped: pass them in FalRequestOptions.Input";
            foreach (var (setting, value) in new (string, object?)[] { ("Seed", request.Seed), ("Size", request.Size), ("AspectRatio", request.AspectRatio), ("NegativePrompt", request.NegativePrompt), ("Steps", request.Steps), ("GuidanceScale", request.GuidanceScale), ("OutputFormat", request.OutputFormat), ("Strength", request.Strength) })
            {
                if (value is not null)
                {
                    Unsupported(setting, value, Hint);
                }
            }
        }
        else
        {
            Shape(endpoint, request, requestedRatio, input, Unsupported);
            if (endpoint.MaxImages > 1)
            {
                input["num_images"] = request.Count;
            }

            if (request.Seed is { } seed)
            {
                input["seed"] = seed;
            }

            if (request.Steps is { } steps)
            {
                if (endpoint.MaxSteps is { } max)
                {
                    int applied = Math.Clamp(steps, 1, max);
                    if (applied != steps)
                    {
                        warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, FalImageGenerator.ProviderName, model.Id, "Steps", steps.ToString(CultureInfo.InvariantCulture), applied.ToString(CultureInfo.InvariantCulture), $"{model.Id} takes 1 to {max} steps"));
                    }

                    input["num_inference_steps"] = applied;
                }
                else
                {
                    Unsupported("Steps", steps, "this endpoint has no num_inference_steps");
                }
            }

            if (request.GuidanceScale is { } guidance)
            {
                if (endpoint.Guidance)
                {
                    input["guidance_scale"] = guidance;
                }
                else
                {
                    Unsupported("GuidanceScale", guidance, "this endpoint has no guidance_scale");
                }
            }

            if (request.OutputFormat is { } format)
            {
                input["output_format"] = format.Value;
            }

            Images(endpoint, request, images, options, input, Unsupported);
            if (request.Loras.Count > 0 && endpoint.Loras)
            {
                input["loras"] = new JsonArray(request.Loras.Select(l => (JsonNode)new JsonObject { ["path"] = l.Path, ["scale"] = l.Scale }).ToArray());
            }

            Flag(endpoint.SafetyChecker ? "enable_safety_checker" : null, "EnableSafetyChecker", options.EnableSafetyChecker);
            Flag(endpoint.EnhancePromptField, "EnhancePrompt", options.EnhancePrompt);
            Flag(endpoint.Raw ? "raw" : null, "Raw", options.Raw);
            if (options.Acceleration is { } acceleration)
            {
                Set(endpoint.Acceleration ? "acceleration" : null, "Acceleration", acceleration);
            }

            if (options.SafetyTolerance is { } tolerance)
            {
                // The enum is strings, "1" (strictest) to "6" (or "5" on FLUX.2).
                Set(endpoint.MaxSafetyTolerance is null ? null : "safety_tolerance", "SafetyTolerance", tolerance.ToString(CultureInfo.InvariantCulture));
            }
        }

        ProviderOptionsReader.Merge(input, options.Input, FalImageGenerator.ProviderName, Reserved);
        ProviderOptionsReader.Merge(input, json, FalImageGenerator.ProviderName, Reserved);
        return input;

        void Flag(string? field, string setting, bool? value)
        {
            if (value is { } on)
            {
                Set(field, setting, on);
            }
        }

        void Set(string? field, string setting, JsonNode value)
        {
            if (field is null)
            {
                Unsupported(setting, value.ToString(), "this endpoint does not take it");
            }
            else
            {
                input[field] = value;
            }
        }
    }

    private static void Shape(FalEndpoint endpoint, ImageGenerationRequest request, AspectRatio? requestedRatio, JsonObject input, Action<string, object, string> unsupported)
    {
        switch (endpoint.Shape)
        {
            case FalShape.ImageSize:
                string? named = FalModels.NamedSizes.Where(n => n.Size == request.Size || (requestedRatio is { } ratio && n.Size.AspectRatio == ratio)).Select(n => n.Name).FirstOrDefault();
                if (named is not null)
                {
                    input["image_size"] = named;
                }
                else if (request.Size is { } size)
                {
                    input["image_size"] = new JsonObject { ["width"] = size.Width, ["height"] = size.Height };
                }

                break;
            case FalShape.AspectRatio:
                // The validator turned a Size into the nearest listed ratio; the enum spells 21:9 and 9:21 so.
                if (request.AspectRatio is { } listed)
                {
                    input["aspect_ratio"] = listed.SpelledAs(FalModels.RatioNames);
                }

                break;
            default:
                // flux/dev/image-to-image has no image_size: the output keeps the input image's size (PROVIDERS.md 13.6).
                if ((request.Size?.ToString() ?? requestedRatio?.ToString()) is { } asked)
                {
                    unsupported(request.Size is null ? "AspectRatio" : "Size", asked, "this endpoint has no image_size; the output keeps the input image's size");
                }

                break;
        }
    }

    private static void Images(FalEndpoint endpoint, ImageGenerationRequest request, IReadOnlyList<string> images, FalRequestOptions options, JsonObject input, Action<string, object, string> unsupported)
    {
        if (endpoint.Images == FalImages.ImageToImage)
        {
            input["image_url"] = images[0];
            input["strength"] = request.Strength ?? 0.95;
            return;
        }

        if (request.Strength is { } strength)
        {
            unsupported("Strength", strength, endpoint.Images == FalImages.ImagePrompt ? "the image prompt's weight is FalRequestOptions.ImagePromptStrength" : "this endpoint has no strength");
        }

        switch (endpoint.Images)
        {
            case FalImages.Edit or FalImages.ImagePrompt when images.Count > 0:
                input["image_url"] = images[0];
                break;
            case FalImages.List:
                input["image_urls"] = new JsonArray([.. images.Select(i => (JsonNode)i)]);
                break;
        }

        if (options.ImagePromptStrength is { } weight)
        {
            if (endpoint.Images == FalImages.ImagePrompt)
            {
                input["image_prompt_strength"] = weight;
            }
            else
            {
                unsupported("ImagePromptStrength", weight, "only fal-ai/flux-pro/v1.1-ultra takes image_prompt_strength");
            }
        }
    }
}
