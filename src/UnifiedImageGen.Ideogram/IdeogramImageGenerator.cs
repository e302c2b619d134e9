using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Ideogram;

/// <summary>
/// Ideogram: <c>V_3</c> through the v3 endpoints (multipart): <c>generate</c>, <c>edit</c> (Inpaint: image and mask)
/// and <c>remix</c> (ImageToImage); the legacy models through <c>POST /generate</c> (JSON). The magic prompt's rewrite
/// becomes <see cref="GeneratedImage.RevisedPrompt"/>; <c>is_image_safe: false</c> becomes a flagged slot with a
/// ContentPolicy error; the ephemeral image URLs are downloaded at once.
/// </summary>
public sealed class IdeogramImageGenerator : IImageGenerator, IDisposable
{
    /// <summary>The provider name, <c>"ideogram"</c>.</summary>
    public const string ProviderName = "ideogram";

    private static readonly string[] Reserved = ["prompt", "image", "mask", "model", "num_images", "style_reference_images", "character_reference_images", "character_reference_images_mask"];

    private readonly IdeogramImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="apiKey">The Ideogram API key.</param>
    public IdeogramImageGenerator(string apiKey)
        : this(new IdeogramImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="options">The options.</param>
    public IdeogramImageGenerator(IdeogramImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public IdeogramImageGenerator(HttpClient httpClient, IdeogramImageGeneratorOptions options)
        : this(httpClient, options, null, null, owned: false)
    {
    }

    internal IdeogramImageGenerator(HttpClient httpClient, IdeogramImageGeneratorOptions options, ImageDownloader? downloader, TimeProvider? timeProvider, bool owned)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("IdeogramImageGeneratorOptions");

        _options = options;
        (downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader, owned);
        _transport = new ProviderTransport(httpClient, new IdeogramErrorMapper(new SecretRedactor(options.ApiKey), timeProvider ?? TimeProvider.System), downloader, timeProvider);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? IdeogramModels.V3, IdeogramModels.All);
    }

    /// <inheritdoc/>
    public ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ImageRequestValidator.ValidateArguments(request);
        if (request.Seed is > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Seed, $"request.Seed must be between 0 and {int.MaxValue} for Ideogram; it is {request.Seed}.");
        }

        string model = request.Model ?? Metadata.DefaultModel;
        var descriptor = Metadata.GetModel(model);
        var validation = ImageRequestValidator.Validate(request with { Model = model }, descriptor, _options.UnsupportedSettingBehavior, ProviderName);
        var (typed, json) = ProviderOptionsReader.Read<IdeogramRequestOptions>(request, ProviderName);
        typed ??= new IdeogramRequestOptions();
        var applied = validation.Request;
        var warnings = validation.Warnings.ToList();
        CheckEnum(typed.RenderingSpeed, IdeogramModels.RenderingSpeeds, "RenderingSpeed");
        CheckEnum(typed.MagicPrompt, IdeogramModels.MagicPromptOptions, "MagicPrompt");
        if (IdeogramModels.IsV3(model))
        {
            var endpoint = IdeogramModels.EndpointFor(model, applied.Operation);
            (applied, typed) = FitToEndpoint(endpoint, applied, typed, warnings);

            // Ideogram edits where the mask is black: convert the SDK's mask (transparent or white = repaint) once, bytes
            // before any download so a mask that cannot be read stops the call before the network.
            bool convertMask = endpoint == IdeogramModels.Edit && typed.SendMaskAsIs != true;
            if (convertMask && applied.Mask is { IsUri: false } given)
            {
                applied = applied with { Mask = IdeogramMasks.ToIdeogram(given) };
                convertMask = false;
            }

            CheckSizes(endpoint, applied, typed);

            // The v3 endpoints take files only: URL inputs are fetched under the downloader's guards (https, no private hosts).
            var downloader = _transport.Downloader;
            applied = applied with
            {
                InputImages = await Task.WhenAll(applied.InputImages.Select(i => downloader.ToBytesAsync(i, cancellationToken))).ConfigureAwait(false),
                Mask = applied.Mask is { } mask ? await downloader.ToBytesAsync(mask, cancellationToken).ConfigureAwait(false) : null,
            };
            typed = typed with
            {
                CharacterReferenceImages = typed.CharacterReferenceImages is { } characters ? await Task.WhenAll(characters.Select(i => downloader.ToBytesAsync(i, cancellationToken))).ConfigureAwait(false) : null,
                CharacterReferenceMasks = typed.CharacterReferenceMasks is { } masks ? await Task.WhenAll(masks.Select(i => downloader.ToBytesAsync(i, cancellationToken))).ConfigureAwait(false) : null,
            };
            if (convertMask && applied.Mask is { } downloaded)
            {
                applied = applied with { Mask = IdeogramMasks.ToIdeogram(downloaded) };
            }

            CheckSizes(endpoint, applied, typed);
        }

        return await ImageBatch.RunAsync(applied, descriptor.MaxImagesPerCall, (part, ct) => SendAsync(part, typed, json, warnings, ct), _transport.TimeProvider, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the HTTP clients this generator created itself.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private async Task<ImageGenerationResult> SendAsync(ImageGenerationRequest request, IdeogramRequestOptions options, JsonObject? json, IReadOnlyList<ImageGenerationWarning> warnings, CancellationToken cancellationToken)
    {
        long started = _transport.TimeProvider.GetTimestamp();
        string model = request.Model!;
        string speed = options.RenderingSpeed ?? (request.Quality?.Value.ToLowerInvariant() switch { "low" => "TURBO", "high" => "QUALITY", "medium" or "standard" => "DEFAULT", _ => null }) ?? "DEFAULT";
        using var message = IdeogramModels.IsV3(model) ? V3Request(request, options, json, speed) : LegacyRequest(request, options, json);
        message.Headers.TryAddWithoutValidation("Api-Key", _options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        ProviderTransport.MarkBillableSubmit(message, model, request.Count);

        IdeogramResponse answer;
        using (var response = await _transport.SendAsync(message, model, cancellationToken).ConfigureAwait(false))
        using (var body = await _transport.ReadBodyAsync(response, 4L * 1024 * 1024, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                answer = JsonSerializer.Deserialize(body.Span, IdeogramJsonContext.Default.IdeogramResponse) ?? throw new JsonException("null");
            }
            catch (JsonException ex)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Ideogram answered with JSON this SDK could not read.", ex) { Provider = ProviderName, Model = model };
            }
        }

        var entries = answer.Data ?? [];
        if (entries.Count == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Ideogram answered without images.") { Provider = ProviderName, Model = model };
        }

        var images = await Task.WhenAll(entries.Select(entry => ImageAsync(entry, request.Prompt, model, cancellationToken))).ConfigureAwait(false);
        if (images.All(i => !i.IsSuccess))
        {
            throw images[0].Error ?? new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Ideogram returned no usable image.") { Provider = ProviderName, Model = model };
        }

        // The catalog prices v3 per image by rendering speed (its variants), legacy models per model.
        var price = Costs.PriceCatalog.Default.Estimate(ProviderName, model, new ImageGenerationRequest { Model = model, Count = images.Length, Quality = IdeogramModels.IsV3(model) ? new ImageQuality(speed) : (ImageQuality?)null });
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = model,
            Warnings = warnings,
            Cost = price is null ? null : price with { Basis = options.CharacterReferenceImages is { Count: > 0 } ? price.Basis + "; character reference pricing is not published, so this is the base price" : price.Basis },
            Elapsed = _transport.TimeProvider.GetElapsedTime(started),
            RawRepresentation = answer.Created,
        };
    }

    private async Task<GeneratedImage> ImageAsync(IdeogramImage entry, string? prompt, string model, CancellationToken cancellationToken)
    {
        string? revised = entry.Prompt is { } used && !string.Equals(used, prompt, StringComparison.Ordinal) ? used : null;
        if (entry.IsImageSafe == false || entry.Url is null)
        {
            // Ideogram withholds images that fail its output check: the slot says so, the batch keeps the others.
            return new GeneratedImage
            {
                ContentFlagged = true,
                Seed = entry.Seed,
                RevisedPrompt = revised,
                Error = new ImageGenerationException(ImageGenerationErrorKind.ContentPolicy, "Ideogram's safety check withheld this image (is_image_safe: false).") { Provider = ProviderName, Model = model },
            };
        }

        var image = await _transport.Downloader.DownloadAsync(entry.Url, cancellationToken).ConfigureAwait(false);
        var size = ImageHeader.TryReadSize(image.Data, out var read) ? read : ImageSize.TryParse(entry.Resolution, null, out var declared) ? declared : (ImageSize?)null;
        return new GeneratedImage { Data = image.Data, MediaType = image.MediaType, Width = size?.Width, Height = size?.Height, Seed = entry.Seed, RevisedPrompt = revised, ContentFlagged = false, SourceUri = image.SourceUri };
    }

    /// <summary>
    /// Applies the chosen v3 endpoint's request schema (ideogram-openapi.json): refuses what it requires and is missing,
    /// and drops, with a warning, what it does not take, so every call of a split batch sends the same fields.
    /// </summary>
    private (ImageGenerationRequest Request, IdeogramRequestOptions Options) FitToEndpoint(IdeogramEndpoint endpoint, ImageGenerationRequest request, IdeogramRequestOptions options, List<ImageGenerationWarning> warnings)
    {
        string model = request.Model!;
        if (endpoint.PromptRequired && string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw new ArgumentException($"request.Prompt is required by Ideogram's {endpoint.Name} endpoint (its request schema lists prompt as required).", nameof(request));
        }

        if (endpoint == IdeogramModels.Edit && request.Mask is null)
        {
            throw new ArgumentException("request.Mask is required by Ideogram's edit endpoint: a black-and-white image of the input's size, black where to edit.", nameof(request));
        }

        if (endpoint == IdeogramModels.Reframe && request.Size is null)
        {
            // ReframeImageRequestV3 requires resolution: a ratio becomes the largest v3 resolution of the nearest shape.
            if (request.AspectRatio is not { } ratio)
            {
                throw new ArgumentException("request.Size (or AspectRatio) is required by Ideogram's reframe endpoint: the resolution to extend the image to, one of the 69 v3 resolutions.", nameof(request));
            }

            var nearest = ratio.Nearest(IdeogramModels.V3Resolutions.Select(r => r.AspectRatio));
            var resolution = IdeogramModels.V3Resolutions.Where(r => r.AspectRatio == nearest).MaxBy(r => r.Pixels);
            warnings.Add(new ImageGenerationWarning(ImageGenerationWarningKind.Adjusted, "AspectRatio", $"request.AspectRatio {ratio} was sent as the resolution {resolution}: Ideogram's reframe takes a resolution, not a ratio.") { RequestedValue = ratio.ToString(), AppliedValue = resolution.ToString() });
            request = request with { Size = resolution, AspectRatio = null };
        }

        void Drop(string setting, object? value, IdeogramFields field)
        {
            if (value is not null && !endpoint.Takes(field))
            {
                warnings.Add(ImageRequestValidator.ReportUnsupported(_options.UnsupportedSettingBehavior, ProviderName, model, setting, Convert.ToString(value, CultureInfo.InvariantCulture)!, $"Ideogram's {endpoint.Name} endpoint has no such field"));
            }
        }

        Drop("Prompt", request.Prompt is null ? null : "(set)", IdeogramFields.Prompt);
        Drop("NegativePrompt", request.NegativePrompt is null ? null : "(set)", IdeogramFields.NegativePrompt);
        Drop("Size", request.Size, IdeogramFields.Resolution);
        Drop("AspectRatio", request.AspectRatio, IdeogramFields.AspectRatio);
        Drop("StylePreset", options.StylePreset, IdeogramFields.StylePreset);
        Drop("MagicPrompt", options.MagicPrompt, IdeogramFields.MagicPrompt);
        Drop("CustomModelUri", options.CustomModelUri, IdeogramFields.CustomModel);
        Drop("CharacterReferenceImages", options.CharacterReferenceImages?.Count, IdeogramFields.CharacterReferences);
        int primary = endpoint == IdeogramModels.Generate || endpoint == IdeogramModels.Transparent ? 0 : 1;
        Drop("InputImages", request.InputImages.Count > primary ? request.InputImages.Count - primary : null, IdeogramFields.StyleReferences);

        string? style = options.StyleType ?? request.Style?.ToUpperInvariant();
        Drop("StyleType", style, IdeogramFields.StyleType);
        if (style is not null && endpoint.Takes(IdeogramFields.StyleType) && !IdeogramModels.StyleTypesV3.Contains(style))
        {
            warnings.Add(ImageRequestValidator.ReportUnsupported(_options.UnsupportedSettingBehavior, ProviderName, model, "StyleType", style, $"V_3 takes the style types {string.Join(", ", IdeogramModels.StyleTypesV3)}"));
            style = null;
        }

        if (endpoint.Takes(IdeogramFields.CharacterReferences) && options.CharacterReferenceImages is { Count: > 1 } many)
        {
            throw new ArgumentException($"IdeogramRequestOptions.CharacterReferenceImages has {many.Count} images; Ideogram takes 1 character reference image for now.", nameof(request));
        }

        if (options.CharacterReferenceMasks is { } masks && masks.Count != (options.CharacterReferenceImages?.Count ?? 0))
        {
            throw new ArgumentException($"IdeogramRequestOptions.CharacterReferenceMasks has {masks.Count} masks; it needs one per character reference image ({options.CharacterReferenceImages?.Count ?? 0}).", nameof(request));
        }

        bool keepCharacters = endpoint.Takes(IdeogramFields.CharacterReferences);
        return (
            request with
            {
                Prompt = endpoint.Takes(IdeogramFields.Prompt) ? request.Prompt : null,
                NegativePrompt = endpoint.Takes(IdeogramFields.NegativePrompt) ? request.NegativePrompt : null,
                Size = endpoint.Takes(IdeogramFields.Resolution) ? request.Size : null,
                AspectRatio = endpoint.Takes(IdeogramFields.AspectRatio) ? request.AspectRatio : null,
                InputImages = endpoint.Takes(IdeogramFields.StyleReferences) ? request.InputImages : request.InputImages.Take(primary).ToArray(),
                Style = null,
            },
            options with
            {
                StyleType = endpoint.Takes(IdeogramFields.StyleType) ? style : null,
                StylePreset = endpoint.Takes(IdeogramFields.StylePreset) ? options.StylePreset : null,
                MagicPrompt = endpoint.Takes(IdeogramFields.MagicPrompt) ? options.MagicPrompt : null,
                CustomModelUri = endpoint.Takes(IdeogramFields.CustomModel) ? options.CustomModelUri : null,
                CharacterReferenceImages = keepCharacters ? options.CharacterReferenceImages : null,
                CharacterReferenceMasks = keepCharacters ? options.CharacterReferenceMasks : null,
            });
    }

    // Spec enums (ideogram-openapi.json RenderingSpeed, MagicPromptOption): a typo is the caller's to fix, before the call.
    private static void CheckEnum(string? value, string[] allowed, string option)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new ArgumentException($"IdeogramRequestOptions.{option} must be one of {string.Join(", ", allowed)} (upper case); it is '{value}'.", "request");
        }
    }

    /// <summary>
    /// The request schemas' file limits (ideogram-openapi.json): the image and the mask at most 10 MB each, style
    /// references 10 MB together, character references 10 MB together. URL inputs count once they are downloaded.
    /// </summary>
    private static void CheckSizes(IdeogramEndpoint endpoint, ImageGenerationRequest request, IdeogramRequestOptions options)
    {
        int primary = endpoint == IdeogramModels.Generate || endpoint == IdeogramModels.Transparent ? 0 : 1;
        void Check(long bytes, string what)
        {
            if (bytes > IdeogramModels.MaxFileBytes)
            {
                throw new ArgumentException($"{what} is {bytes:N0} bytes; Ideogram's {endpoint.Name} takes at most {IdeogramModels.MaxFileBytes:N0} bytes (10 MB).", nameof(request));
            }
        }

        if (primary == 1 && request.InputImages.Count > 0)
        {
            Check(request.InputImages[0].Data.Length, "request.InputImages[0] (the image)");
        }

        Check(request.Mask?.Data.Length ?? 0, "request.Mask");
        Check(request.InputImages.Skip(primary).Sum(i => (long)i.Data.Length), "request.InputImages as style references, together,");
        Check(options.CharacterReferenceImages?.Sum(i => (long)i.Data.Length) ?? 0, "IdeogramRequestOptions.CharacterReferenceImages, together,");
    }

    private HttpRequestMessage V3Request(ImageGenerationRequest request, IdeogramRequestOptions options, JsonObject? json, string speed)
    {
        // FitToEndpoint already cleared every field this endpoint does not take.
        var endpoint = IdeogramModels.EndpointFor(request.Model!, request.Operation);
        var form = new MultipartForm()
            .Field("prompt", request.Prompt)
            .Field("seed", request.Seed)
            .Field("rendering_speed", speed)
            .Field("magic_prompt", options.MagicPrompt)
            .Field("num_images", request.Count)
            .Field("style_type", options.StyleType)
            .Field("style_preset", options.StylePreset)
            .Field("custom_model_uri", options.CustomModelUri)
            .Field("negative_prompt", request.NegativePrompt);
        if (request.Size is { } size)
        {
            form.Field("resolution", size.ToString());
        }
        else if (request.AspectRatio is { } ratio)
        {
            form.Field("aspect_ratio", IdeogramModels.V3Ratios.First(r => r.Ratio == ratio).Name);
        }

        if (endpoint == IdeogramModels.Remix)
        {
            // Strength says how far to move from the input; image_weight how much of it to keep (1-100).
            form.Field("image_weight", (long)Math.Clamp(Math.Round((1 - (request.Strength ?? 0.5)) * 100), 1, 100));
        }

        foreach (var extra in new[] { json, options.Fields })
        {
            if (extra is not null)
            {
                ProviderOptionsReader.ThrowIfReserved(extra, ProviderName, Reserved);
                form.Fields(extra);
            }
        }

        var images = request.InputImages;
        int references = 0;
        if (endpoint != IdeogramModels.Generate && endpoint != IdeogramModels.Transparent)
        {
            form.File("image", images[0], "image");
            references = 1;
            if (request.Mask is { } mask)
            {
                form.File("mask", mask, "mask");
            }
        }

        for (int i = references; i < images.Count; i++)
        {
            form.File("style_reference_images", images[i], $"style_{i}");
        }

        foreach (var (character, i) in (options.CharacterReferenceImages ?? []).Select((c, i) => (c, i)))
        {
            form.File("character_reference_images", character, $"character_{i}");
        }

        foreach (var (mask, i) in (options.CharacterReferenceMasks ?? []).Select((m, i) => (m, i)))
        {
            form.File("character_reference_images_mask", mask, $"character_mask_{i}");
        }

        return new HttpRequestMessage(HttpMethod.Post, new Uri(Base(), "v1/ideogram-v3/" + endpoint.Name)) { Content = form.Content };
    }

    private HttpRequestMessage LegacyRequest(ImageGenerationRequest request, IdeogramRequestOptions options, JsonObject? json)
    {
        var imageRequest = new JsonObject
        {
            ["prompt"] = request.Prompt,
            ["model"] = request.Model,
            ["num_images"] = request.Count,
        };
        if (request.AspectRatio is { } ratio)
        {
            // An unknown model id gets no ratio snapping from validation: send the nearest legacy ratio.
            var nearest = ratio.Nearest(IdeogramModels.LegacyRatios.Select(r => r.Ratio));
            imageRequest["aspect_ratio"] = IdeogramModels.LegacyRatios.First(r => r.Ratio == nearest).Name;
        }

        if (request.Seed is { } seed)
        {
            imageRequest["seed"] = seed;
        }

        if (request.NegativePrompt is { } negative)
        {
            imageRequest["negative_prompt"] = negative;
        }

        if (options.MagicPrompt is { } magic)
        {
            imageRequest["magic_prompt_option"] = magic;
        }

        if ((options.StyleType ?? request.Style?.ToUpperInvariant()) is { } style)
        {
            imageRequest["style_type"] = style;
        }

        ProviderOptionsReader.Merge(imageRequest, options.Fields, ProviderName, Reserved);
        ProviderOptionsReader.Merge(imageRequest, json, ProviderName, Reserved);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["image_request"] = imageRequest }, IdeogramJsonContext.Default.JsonObject));
        content.Headers.ContentType = new("application/json");
        return new HttpRequestMessage(HttpMethod.Post, new Uri(Base(), "generate")) { Content = content };
    }

    private Uri Base() => ImageGenerationHttp.WithTrailingSlash(_options.Endpoint);
}
