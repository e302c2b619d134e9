using System.Globalization;

namespace UnifiedImageGen.Validation;

/// <summary>
/// The checks every provider runs before it sends anything: argument rules (an <see cref="ArgumentException"/>
/// naming the parameter and the limit), then the model's capabilities (an <see cref="ImageGenerationException"/> of
/// kind <see cref="ImageGenerationErrorKind.InvalidRequest"/>, or a warning and an adjusted value, as
/// <see cref="UnsupportedSettingBehavior"/> says).
/// </summary>
public static class ImageRequestValidator
{
    /// <summary>The most images one request may ask for.</summary>
    public const int MaxCount = 128;

    /// <summary>The longest prompt accepted when a model has no documented limit (characters).</summary>
    public const int MaxPromptLength = 100_000;

    /// <summary>Checks the rules that hold for every provider.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">A member breaks a rule; the message names it and the limit.</exception>
    public static void ValidateArguments(ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Count, $"request.Count must be between 1 and {MaxCount}; it is {request.Count}.");
        }

        if (!Enum.IsDefined(request.Operation))
        {
            throw new ArgumentException($"request.Operation {(int)request.Operation} is not an ImageOperation.", nameof(request));
        }

        CheckText(request.Prompt, "request.Prompt");
        CheckText(request.NegativePrompt, "request.NegativePrompt");
        bool needsPrompt = request.Operation is ImageOperation.Generate;
        if (needsPrompt && string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw new ArgumentException("request.Prompt is required for ImageOperation.Generate and must not be empty or white space.", nameof(request));
        }

        if (request.InputImages is null || request.InputImages.Any(i => i is null))
        {
            throw new ArgumentException("request.InputImages must not be null or hold null entries.", nameof(request));
        }

        bool needsImage = request.Operation is not ImageOperation.Generate;
        if (needsImage && request.InputImages.Count == 0)
        {
            throw new ArgumentException($"request.InputImages must hold at least one image for ImageOperation.{request.Operation}.", nameof(request));
        }

        if (request.Mask is not null && request.InputImages.Count == 0)
        {
            throw new ArgumentException("request.Mask was given without an input image: add the image to request.InputImages.", nameof(request));
        }

        if (request.Size is { Width: < 1 } or { Height: < 1 })
        {
            throw new ArgumentException($"request.Size must have a width and height between 1 and {ImageSize.MaxSide}; use new ImageSize(width, height).", nameof(request));
        }

        if (request.AspectRatio is { Width: < 1 } or { Height: < 1 })
        {
            throw new ArgumentException("request.AspectRatio must have positive terms; use AspectRatio.Parse(\"16:9\").", nameof(request));
        }

        if (request.Strength is { } strength && (double.IsNaN(strength) || strength is < 0 or > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(request), strength, $"request.Strength must be between 0 and 1; it is {Format(strength)}.");
        }

        if (request.Seed is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Seed, $"request.Seed must be 0 or more; it is {request.Seed}.");
        }

        if (request.Steps is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Steps, $"request.Steps must be between 1 and 1000; it is {request.Steps}.");
        }

        if (request.GuidanceScale is { } guidance && (double.IsNaN(guidance) || guidance is < 0 or > 100))
        {
            throw new ArgumentOutOfRangeException(nameof(request), guidance, $"request.GuidanceScale must be between 0 and 100; it is {Format(guidance)}.");
        }

        if (request.Loras is null || request.Loras.Any(l => l is null || string.IsNullOrWhiteSpace(l.Path) || double.IsNaN(l.Scale) || double.IsInfinity(l.Scale)))
        {
            throw new ArgumentException("request.Loras must not be null, and every LoraWeight needs a Path and a finite Scale.", nameof(request));
        }
    }

    /// <summary>
    /// Checks <paramref name="request"/> against <paramref name="model"/> and returns the request as the model will
    /// receive it, with a warning for everything dropped or adjusted.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="model">The descriptor of the model the request is for.</param>
    /// <param name="behavior">Whether to warn and adapt, or throw, on a setting the model lacks.</param>
    /// <param name="providerName">The provider name, for messages.</param>
    /// <exception cref="ArgumentException">An argument rule is broken (see <see cref="ValidateArguments"/>).</exception>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.InvalidRequest"/>: the model cannot do the operation, a limit is exceeded, or <paramref name="behavior"/> is <see cref="UnsupportedSettingBehavior.Throw"/> and a setting is unsupported.</exception>
    public static ImageRequestValidation Validate(
        ImageGenerationRequest request,
        ImageModelDescriptor model,
        UnsupportedSettingBehavior behavior,
        string providerName)
    {
        ValidateArguments(request);
        ArgumentNullException.ThrowIfNull(model);
        var context = new Context(model, behavior, providerName);

        var needed = RequiredCapability(request.Operation);
        if (!model.Supports(needed))
        {
            throw context.Invalid($"Model '{model.Id}' of provider '{providerName}' does not support ImageOperation.{request.Operation} (it needs {needed}).");
        }

        int promptLimit = model.MaxPromptLength ?? MaxPromptLength;
        if (request.Prompt is { } prompt && prompt.Length > promptLimit)
        {
            throw context.Invalid($"request.Prompt is {prompt.Length:N0} characters; model '{model.Id}' takes at most {promptLimit:N0}.");
        }

        if (model.MaxInputImageBytes is { } maxBytes)
        {
            foreach (var input in request.InputImages.Append(request.Mask))
            {
                if (input is { IsUri: false } && input.Data.Length > maxBytes)
                {
                    throw context.Invalid($"An input image is {input.Data.Length:N0} bytes; model '{model.Id}' takes at most {maxBytes:N0} bytes per image.");
                }
            }
        }

        if (request.Mask?.Size is { } maskSize && request.InputImages[0].Size is { } imageSize && maskSize != imageSize)
        {
            throw context.Invalid($"request.Mask is {maskSize} but the first input image is {imageSize}; a mask must be the same size as the image it masks.");
        }

        var adjusted = request;
        if (request.NegativePrompt is not null && !model.Supports(ImageCapabilities.NegativePrompt))
        {
            adjusted = adjusted with { NegativePrompt = null };
            context.Unsupported("NegativePrompt", "(set)");
        }

        if (request.Seed is { } seed && !model.Supports(ImageCapabilities.Seed))
        {
            adjusted = adjusted with { Seed = null };
            context.Unsupported("Seed", seed.ToString(CultureInfo.InvariantCulture));
        }

        if (request.Loras.Count > 0 && !model.Supports(ImageCapabilities.Lora))
        {
            adjusted = adjusted with { Loras = [] };
            context.Unsupported("Loras", request.Loras.Count.ToString(CultureInfo.InvariantCulture) + " LoRA(s)");
        }

        if ((request.Steps is not null || request.GuidanceScale is not null) && !model.Supports(ImageCapabilities.StepsAndGuidance))
        {
            if (request.Steps is { } steps)
            {
                context.Unsupported("Steps", steps.ToString(CultureInfo.InvariantCulture));
            }

            if (request.GuidanceScale is { } guidance)
            {
                context.Unsupported("GuidanceScale", Format(guidance));
            }

            adjusted = adjusted with { Steps = null, GuidanceScale = null };
        }

        int maxInputs = model.MaxInputImages ?? (model.Supports(ImageCapabilities.MultipleInputImages) ? int.MaxValue : 1);
        if (request.InputImages.Count > maxInputs)
        {
            context.Adjusted("InputImages", request.InputImages.Count.ToString(CultureInfo.InvariantCulture), maxInputs.ToString(CultureInfo.InvariantCulture), $"model '{model.Id}' takes at most {maxInputs} input image(s); the first {maxInputs} are used");
            adjusted = adjusted with { InputImages = request.InputImages.Take(maxInputs).ToArray() };
        }

        adjusted = AdjustShape(adjusted, context);

        if (request.OutputFormat is { } format && model.SupportedFormats.Count > 0 && !model.SupportedFormats.Contains(format))
        {
            var fallback = model.SupportedFormats[0];
            context.Adjusted("OutputFormat", format.Value, fallback.Value, $"model '{model.Id}' supports {string.Join(", ", model.SupportedFormats)}");
            adjusted = adjusted with { OutputFormat = fallback };
        }

        if (request.Quality is { } quality && model.SupportedQualities.Count > 0 && !model.SupportedQualities.Contains(quality))
        {
            context.Unsupported("Quality", quality.Value, $"model '{model.Id}' supports {string.Join(", ", model.SupportedQualities)}; the model's default is used");
            adjusted = adjusted with { Quality = null };
        }

        return new ImageRequestValidation(adjusted, model, context.Warnings);
    }

    /// <summary>
    /// For providers: reports a setting the model does not support. Returns the warning to record when
    /// <paramref name="behavior"/> is <see cref="UnsupportedSettingBehavior.Warn"/>, throws otherwise.
    /// </summary>
    /// <param name="behavior">Warn or throw.</param>
    /// <param name="providerName">The provider name.</param>
    /// <param name="modelId">The model id.</param>
    /// <param name="setting">The request member, such as <c>"Strength"</c>.</param>
    /// <param name="requested">The requested value as text.</param>
    /// <param name="detail">Why, or what is used instead.</param>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.InvalidRequest"/> when <paramref name="behavior"/> is <see cref="UnsupportedSettingBehavior.Throw"/>.</exception>
    public static ImageGenerationWarning ReportUnsupported(UnsupportedSettingBehavior behavior, string providerName, string modelId, string setting, string requested, string? detail = null)
    {
        string message = $"request.{setting} ({requested}) is not supported by model '{modelId}' of provider '{providerName}'" + (detail is null ? "." : $": {detail}.");
        if (behavior == UnsupportedSettingBehavior.Throw)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, message) { Provider = providerName, Model = modelId };
        }

        return new ImageGenerationWarning(ImageGenerationWarningKind.Unsupported, setting, message.TrimEnd('.') + "; it was dropped.") { RequestedValue = requested };
    }

    /// <summary>
    /// For providers: reports a setting changed to the nearest supported value. Returns the warning to record when
    /// <paramref name="behavior"/> is <see cref="UnsupportedSettingBehavior.Warn"/>, throws otherwise.
    /// </summary>
    /// <param name="behavior">Warn or throw.</param>
    /// <param name="providerName">The provider name.</param>
    /// <param name="modelId">The model id.</param>
    /// <param name="setting">The request member.</param>
    /// <param name="requested">The requested value as text.</param>
    /// <param name="applied">The value used instead.</param>
    /// <param name="detail">Why.</param>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.InvalidRequest"/> when <paramref name="behavior"/> is <see cref="UnsupportedSettingBehavior.Throw"/>.</exception>
    public static ImageGenerationWarning ReportAdjusted(UnsupportedSettingBehavior behavior, string providerName, string modelId, string setting, string requested, string applied, string detail)
    {
        if (behavior == UnsupportedSettingBehavior.Throw)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, $"request.{setting} {requested} is not supported: {detail}.") { Provider = providerName, Model = modelId };
        }

        return new ImageGenerationWarning(ImageGenerationWarningKind.Adjusted, setting, $"request.{setting} {requested} was changed to {applied}: {detail}.")
        {
            RequestedValue = requested,
            AppliedValue = applied,
        };
    }

    /// <summary>The capability an operation needs.</summary>
    public static ImageCapabilities RequiredCapability(ImageOperation operation) => operation switch
    {
        ImageOperation.Generate => ImageCapabilities.TextToImage,
        ImageOperation.ImageToImage => ImageCapabilities.ImageToImage,
        ImageOperation.Inpaint => ImageCapabilities.Inpainting,
        ImageOperation.Outpaint => ImageCapabilities.Outpainting,
        ImageOperation.Variation => ImageCapabilities.Variations,
        ImageOperation.Upscale => ImageCapabilities.Upscale,
        ImageOperation.RemoveBackground => ImageCapabilities.BackgroundRemoval,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown ImageOperation."),
    };

    private static ImageGenerationRequest AdjustShape(ImageGenerationRequest request, Context context)
    {
        var model = context.Model;
        if (request.Size is { } size)
        {
            if (model.SupportedSizes.Count > 0 && !model.SupportedSizes.Contains(size))
            {
                var nearest = size.Nearest(model.SupportedSizes);
                context.Adjusted("Size", size.ToString(), nearest.ToString(), $"model '{model.Id}' supports {string.Join(", ", model.SupportedSizes)}");
                return request with { Size = nearest, AspectRatio = null };
            }

            if (model.SizeConstraint is { } constraint && !constraint.Allows(size))
            {
                var fitted = constraint.Fit(size);
                context.Adjusted("Size", size.ToString(), fitted.ToString(), $"model '{model.Id}' takes sides {constraint.MinSide}-{constraint.MaxSide} in multiples of {constraint.Multiple}" + (constraint.MaxPixels is { } max ? $", at most {max:N0} pixels" : ""));
                return request with { Size = fitted, AspectRatio = null };
            }

            if (model.SupportedSizes.Count == 0 && model.SizeConstraint is null && model.SupportedAspectRatios.Count > 0)
            {
                // The model takes ratios only (Stability, Imagen): send the nearest ratio instead of the size.
                var ratio = size.AspectRatio.Nearest(model.SupportedAspectRatios);
                context.Adjusted("Size", size.ToString(), ratio.ToString(), $"model '{model.Id}' takes an aspect ratio, not a size; the nearest ratio is used");
                return request with { Size = null, AspectRatio = ratio };
            }

            return request;
        }

        if (request.AspectRatio is { } requested)
        {
            if (model.SupportedAspectRatios.Count > 0)
            {
                if (!model.SupportedAspectRatios.Contains(requested))
                {
                    var nearest = requested.Nearest(model.SupportedAspectRatios);
                    context.Adjusted("AspectRatio", requested.ToString(), nearest.ToString(), $"model '{model.Id}' supports {string.Join(", ", model.SupportedAspectRatios)}");
                    return request with { AspectRatio = nearest };
                }

                return request;
            }

            if (model.SupportedSizes.Count > 0)
            {
                // The model takes sizes only (DALL-E): pick the listed size of the nearest shape.
                var ratioOfSizes = model.SupportedSizes.Select(s => s.AspectRatio).ToArray();
                var nearestRatio = requested.Nearest(ratioOfSizes);
                var chosen = model.SupportedSizes.First(s => s.AspectRatio == nearestRatio);
                if (nearestRatio != requested)
                {
                    context.Adjusted("AspectRatio", requested.ToString(), chosen.ToString(), $"model '{model.Id}' has no {requested} size; the nearest shape is used");
                }

                return request with { Size = chosen, AspectRatio = null };
            }

            if (model.SizeConstraint is { } constraint)
            {
                // Free-form sizes: about one megapixel in the requested shape, fitted to the rules.
                return request with { Size = constraint.Fit(requested.ToSize(1.0, constraint.Multiple)) };
            }
        }

        return request;
    }

    private static void CheckText(string? text, string name)
    {
        if (text is null)
        {
            return;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"{name} holds an unpaired UTF-16 surrogate at index {i}; it cannot be sent as UTF-8.", "request");
            }
            else if (char.IsControl(c) && c is not '\n' and not '\r' and not '\t')
            {
                throw new ArgumentException($"{name} holds the control character U+{(int)c:X4} at index {i}; only tab, CR and LF are allowed.", "request");
            }
        }
    }

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    private sealed class Context(ImageModelDescriptor model, UnsupportedSettingBehavior behavior, string providerName)
    {
        public ImageModelDescriptor Model { get; } = model;

        public List<ImageGenerationWarning> Warnings { get; } = [];

        public ImageGenerationException Invalid(string message) =>
            new(ImageGenerationErrorKind.InvalidRequest, message) { Provider = providerName, Model = Model.Id };

        public void Unsupported(string setting, string requested, string? detail = null) =>
            Warnings.Add(ReportUnsupported(behavior, providerName, Model.Id, setting, requested, detail));

        public void Adjusted(string setting, string requested, string applied, string detail) =>
            Warnings.Add(ReportAdjusted(behavior, providerName, Model.Id, setting, requested, applied, detail));
    }
}
