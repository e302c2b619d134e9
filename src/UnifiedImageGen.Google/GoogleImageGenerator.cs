using System.Globalization;
using System.Net.Http.Headers;
#if NET9_0_OR_GREATER
using System.Runtime.InteropServices;
#endif
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Google;

/// <summary>
/// Google image generation. The Gemini image models go through <c>models/{model}:generateContent</c> with image output
/// (input images as inline data for edits); Imagen goes through <c>:predict</c>, on Vertex AI (or, behind
/// <see cref="GoogleImageGeneratorOptions.AllowGeminiApiImagen"/>, the retired Gemini-API endpoint). Images filtered by
/// Google's safety system become per-slot errors, or a ContentPolicy error when none survive.
/// </summary>
public sealed class GoogleImageGenerator : IImageGenerator, IDisposable
{
    /// <summary>The provider name, <c>"google"</c>.</summary>
    public const string ProviderName = "google";

    // Members the SDK sets itself; a JsonObject in ProviderOptions (merged into the top level of the body) may not set them.
    private static readonly string[] Reserved = ["contents", "instances", "prompt", "model"];

    // PROVIDERS.md 13.4; python-genai types.py FinishReason: the finish reasons that mean "no image, for content reasons".
    private static readonly HashSet<string> ContentFinishReasons = new(StringComparer.Ordinal)
    {
        "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE",
    };

    private readonly GoogleImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

    /// <summary>Creates a generator for the Gemini API with its own HTTP client.</summary>
    /// <param name="apiKey">The Gemini API key.</param>
    public GoogleImageGenerator(string apiKey)
        : this(new GoogleImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP client (resilience included).</summary>
    /// <param name="options">The options.</param>
    public GoogleImageGenerator(GoogleImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName, Resilience()), options, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public GoogleImageGenerator(HttpClient httpClient, GoogleImageGeneratorOptions options)
        : this(httpClient, options, null, owned: false)
    {
    }

    internal GoogleImageGenerator(HttpClient httpClient, GoogleImageGeneratorOptions options, TimeProvider? timeProvider, bool owned)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("GoogleImageGeneratorOptions");

        _options = options;
        // Result URLs never go through httpClient (its handlers are the caller's): the downloader has a guarded client.
        (var downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader: null, owned);
        _transport = new ProviderTransport(httpClient, new GoogleErrorMapper(new SecretRedactor(options.ApiKey), timeProvider ?? TimeProvider.System), downloader, timeProvider);
        bool vertex = options.UsesVertex;
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? GoogleModels.Gemini31FlashImage, GoogleModels.For(vertex), id => GoogleModels.Unknown(id, vertex));
    }

    /// <inheritdoc/>
    public ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ImageRequestValidator.ValidateArguments(request);
        string model = request.Model ?? Metadata.DefaultModel;
        var descriptor = Metadata.GetModel(model);
        var validation = ImageRequestValidator.Validate(request with { Model = model }, descriptor, _options.UnsupportedSettingBehavior, ProviderName);
        var (typed, json) = ProviderOptionsReader.Read<GoogleRequestOptions>(request, ProviderName);
        typed ??= new GoogleRequestOptions();
        if (json is not null)
        {
            ProviderOptionsReader.ThrowIfReserved(json, ProviderName, Reserved);
        }

        var warnings = new List<ImageGenerationWarning>(validation.Warnings);
        CheckLifecycle(model, warnings);
        var part = validation.Request;
        bool imagen = GoogleModels.IsImagen(model);
        string? imageSize = null;
        if (imagen)
        {
            (part, typed) = ApplyImagenSeedRule(part, typed, warnings);
        }
        else
        {
            // The size asked for picks Gemini 3's imageSize class, though validation turned it into a ratio.
            imageSize = ResolveImageSize(model, typed.ImageSize, request.Size, warnings);
            if (part.Seed is < int.MinValue or > int.MaxValue - ImageRequestValidator.MaxCount)
            {
                throw new ArgumentOutOfRangeException(nameof(request), part.Seed, $"request.Seed must lie between {int.MinValue} and {int.MaxValue - ImageRequestValidator.MaxCount} for Gemini models: generationConfig.seed is a 32-bit integer.");
            }
        }

        return ImageBatch.RunAsync(
            part,
            descriptor.MaxImagesPerCall,
            (slice, ct) => imagen ? PredictAsync(slice, typed, json, warnings, ct) : GenerateContentAsync(slice, typed, json, imageSize, warnings, ct),
            _transport.TimeProvider,
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Google's 429 rules for a resilience pipeline: the wait from <c>RetryInfo.retryDelay</c> in the body, and no
    /// retry when the quota or prepaid credit is spent. <see cref="GoogleImageGenerationBuilderExtensions.AddGoogle"/>
    /// and the constructors that create their own client apply it; call it for a client you build yourself.
    /// </summary>
    /// <param name="options">The resilience options to complete (settings already made are kept).</param>
    public static void ConfigureResilience(ImageGenerationResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        GoogleErrorMapper.ConfigureResilience(options);
    }

    internal static ImageGenerationResilienceOptions Resilience()
    {
        var options = new ImageGenerationResilienceOptions();
        ConfigureResilience(options);
        return options;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the HTTP client this generator created itself.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    // PROVIDERS.md 13.1: a shut-down model answers 404 NOT_FOUND on the Gemini API, so it is refused here with its
    // replacement named. Vertex AI keeps its own schedule: there the call is sent, with a warning.
    private void CheckLifecycle(string model, List<ImageGenerationWarning> warnings)
    {
        var retired = GoogleModels.GetLifecycle(model) is { Status: GoogleModelStatus.ShutDown } entry ? entry : null;
        string shutDown = retired is null ? "" : $"{model} was shut down{(retired.ShutDownOn is { } date ? " on " + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")}; use {retired.Replacement}";
        if (GoogleModels.IsImagen(model) && !_options.UsesVertex && !_options.AllowGeminiApiImagen)
        {
            throw NotFound(model, $"Imagen ({model}) was retired from the Gemini API in 2026{(retired is null ? "" : $" ({shutDown})")}. Use a Gemini image model ({GoogleModels.Gemini31FlashImage}), Imagen on Vertex AI (set VertexProject), or set AllowGeminiApiImagen if your project still has access.");
        }

        if (retired is null)
        {
            return;
        }

        if (_options.UsesVertex || GoogleModels.IsImagen(model))
        {
            warnings.Add(new ImageGenerationWarning(ImageGenerationWarningKind.Other, nameof(ImageGenerationRequest.Model), shutDown + " (sent anyway: your project may still have access).") { RequestedValue = model, AppliedValue = model });
            return;
        }

        throw NotFound(model, $"{shutDown} (the Gemini API answers 404 NOT_FOUND for it). Nothing was sent.");
    }

    private static ImageGenerationException NotFound(string model, string message) =>
        new(ImageGenerationErrorKind.ModelNotFound, message) { Provider = ProviderName, Model = model };

    // PROVIDERS.md 13.4: Imagen on Vertex refuses a seed while addWatermark is true, its default. A seed therefore turns
    // the watermark off, unless the caller asked for the watermark: then the seed is what gives way.
    private (ImageGenerationRequest Request, GoogleRequestOptions Options) ApplyImagenSeedRule(ImageGenerationRequest request, GoogleRequestOptions options, List<ImageGenerationWarning> warnings)
    {
        if (request.Seed is not { } seed || !_options.UsesVertex)
        {
            return (request, options);
        }

        if (options.AddWatermark == true)
        {
            warnings.Add(ImageRequestValidator.ReportUnsupported(_options.UnsupportedSettingBehavior, ProviderName, request.Model!, nameof(ImageGenerationRequest.Seed), seed.ToString(CultureInfo.InvariantCulture), "Imagen refuses a seed while addWatermark is true"));
            return (request with { Seed = null }, options);
        }

        if (options.AddWatermark is null)
        {
            warnings.Add(new ImageGenerationWarning(ImageGenerationWarningKind.Adjusted, "ProviderOptions[google].AddWatermark", "addWatermark was set to false: Imagen takes a seed only without the SynthID watermark.") { AppliedValue = "false" });
        }

        return (request, options with { AddWatermark = false });
    }

    // imageConfig.imageSize takes 512, 1K, 2K, 4K (Gemini API discovery document, ImageConfig.imageSize; Vertex AI:
    // 1K, 2K, 4K); PROVIDERS.md 13.4: Gemini 3 models only, 512 ("0.5K") on 3.1 Flash Image only.
    private string? ResolveImageSize(string model, string? asked, ImageSize? size, List<ImageGenerationWarning> warnings)
    {
        string? given = asked is null ? null : NormalizeImageSize(asked);
        string? wanted = given ?? (size is { } s ? Math.Max(s.Width, s.Height) switch { <= 512 => "512", <= 1024 => "1K", <= 2048 => "2K", _ => "4K" } : null);
        if (wanted is null)
        {
            return null;
        }

        if (!GoogleModels.TakesImageSize(model))
        {
            if (given is not null)
            {
                warnings.Add(ImageRequestValidator.ReportUnsupported(_options.UnsupportedSettingBehavior, ProviderName, model, "ProviderOptions[google].ImageSize", asked!, "only Gemini 3 image models take imageSize"));
            }

            return null;
        }

        if (wanted == "512" && (!GoogleModels.IsFlash31(model) || _options.UsesVertex))
        {
            if (given is not null)
            {
                warnings.Add(ImageRequestValidator.ReportAdjusted(_options.UnsupportedSettingBehavior, ProviderName, model, "ProviderOptions[google].ImageSize", asked!, "1K", $"512 px output is offered by {GoogleModels.Gemini31FlashImage} on the Gemini API only"));
            }

            return "1K";
        }

        return wanted;
    }

    private static string NormalizeImageSize(string value) => value.Trim().ToUpperInvariant() switch
    {
        "0.5K" or "512" => "512",
        "1K" => "1K",
        "2K" => "2K",
        "4K" => "4K",
        _ => throw new ArgumentException($"request.ProviderOptions[\"google\"].ImageSize must be 0.5K (512), 1K, 2K or 4K; it is '{value}'.", "request"),
    };

    private async Task<ImageGenerationResult> GenerateContentAsync(ImageGenerationRequest request, GoogleRequestOptions options, JsonObject? json, string? imageSize, IReadOnlyList<ImageGenerationWarning> warnings, CancellationToken cancellationToken)
    {
        long started = _transport.TimeProvider.GetTimestamp();
        string model = request.Model!;
        var parts = new JsonArray(new JsonObject { ["text"] = request.Prompt ?? "" });
        foreach (var image in request.InputImages)
        {
            parts.Add((JsonNode)(image.IsUri
                ? new JsonObject { ["fileData"] = new JsonObject { ["mimeType"] = image.MediaType, ["fileUri"] = image.Uri!.AbsoluteUri } }
                : new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = image.MediaType, ["data"] = Convert.ToBase64String(image.Data.Span) } }));
        }

        var imageConfig = new JsonObject();
        if (request.AspectRatio is { } ratio)
        {
            imageConfig["aspectRatio"] = GoogleModels.WireRatio(ratio);
        }

        if (imageSize is not null)
        {
            imageConfig["imageSize"] = imageSize;
        }

        var generationConfig = new JsonObject
        {
            ["responseModalities"] = new JsonArray("TEXT", "IMAGE"),
            ["imageConfig"] = imageConfig,
        };
        if (request.Seed is { } seed)
        {
            generationConfig["seed"] = unchecked((int)seed);
        }

        var body = new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = parts }),
            ["generationConfig"] = generationConfig,
        };
        if (options.SafetySettings is { Count: > 0 } safety)
        {
            body["safetySettings"] = new JsonArray([.. safety.Select(setting => (JsonNode)new JsonObject { ["category"] = setting.Category, ["threshold"] = setting.Threshold })]);
        }

        MergeDeep(body, json);
        using var buffer = await PostAsync(model, "generateContent", body, request.Count, cancellationToken).ConfigureAwait(false);
        using var document = Parse(buffer, model);
        var root = document.RootElement;
        if (root.TryGetProperty("promptFeedback", out var feedback) && feedback.TryGetProperty("blockReason", out var blocked))
        {
            throw Refused(model, $"Google blocked the prompt ({blocked.GetString()}).", blocked.GetString());
        }

        var images = new List<GeneratedImage>();
        var text = new List<string>();
        string? finish = null;
        string? finishMessage = null;
        foreach (var candidate in Array(root, "candidates"))
        {
            if (finish is null && candidate.TryGetProperty("finishReason", out var reason))
            {
                finish = reason.GetString();
                finishMessage = candidate.TryGetProperty("finishMessage", out var why) ? why.GetString() : null;
            }

            if (!candidate.TryGetProperty("content", out var content))
            {
                continue;
            }

            foreach (var part in Array(content, "parts"))
            {
                if ((part.TryGetProperty("inlineData", out var inline) || part.TryGetProperty("inline_data", out inline)) && inline.TryGetProperty("data", out var data))
                {
                    images.Add(Image(Decode(data, model), null));
                }
                else if (part.TryGetProperty("text", out var said) && said.GetString() is { Length: > 0 } line)
                {
                    text.Add(line);
                }
            }
        }

        if (images.Count == 0)
        {
            string explained = finishMessage is { Length: > 0 } ? ": " + Shorten(finishMessage) : "";
            throw finish is not null && ContentFinishReasons.Contains(finish)
                ? Refused(model, $"Google withheld the image for content reasons (finishReason {finish}){explained}.", finish)
                : new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Google answered without an image (finishReason {finish ?? "none"}){explained}{(text.Count > 0 ? ": " + Shorten(string.Join(" ", text)) : "")}.") { Provider = ProviderName, Model = model, ProviderErrorCode = finish };
        }

        ImageUsage? usage = root.TryGetProperty("usageMetadata", out var meta)
            ? new ImageUsage { InputTokens = Long(meta, "promptTokenCount"), OutputTokens = Long(meta, "candidatesTokenCount"), TotalTokens = Long(meta, "totalTokenCount") }
            : null;
        return Result(model, request, images, warnings, usage, started, string.Join("\n", text), imageSize);
    }

    private async Task<ImageGenerationResult> PredictAsync(ImageGenerationRequest request, GoogleRequestOptions options, JsonObject? json, IReadOnlyList<ImageGenerationWarning> warnings, CancellationToken cancellationToken)
    {
        long started = _transport.TimeProvider.GetTimestamp();
        string model = request.Model!;
        var parameters = new JsonObject
        {
            ["sampleCount"] = request.Count,
            ["includeRaiReason"] = true,
        };
        if (request.AspectRatio is { } ratio)
        {
            parameters["aspectRatio"] = GoogleModels.WireRatio(ratio);
        }

        if (request.OutputFormat is { } format)
        {
            parameters["outputOptions"] = new JsonObject { ["mimeType"] = format.MediaType };
        }

        if (request.NegativePrompt is { } negative)
        {
            parameters["negativePrompt"] = negative;
        }

        if (request.Seed is { } seed)
        {
            parameters["seed"] = seed;
        }

        if (options.PersonGeneration is { } people)
        {
            parameters["personGeneration"] = people;
        }

        if (options.SafetySetting is { } safety)
        {
            parameters["safetySetting"] = safety;
        }

        if (_options.UsesVertex)
        {
            if (options.AddWatermark is { } watermark)
            {
                parameters["addWatermark"] = watermark;
            }

            if (options.EnhancePrompt is { } enhance)
            {
                parameters["enhancePrompt"] = enhance;
            }
        }

        var body = new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["prompt"] = request.Prompt }), ["parameters"] = parameters };
        MergeDeep(body, json);
        using var buffer = await PostAsync(model, "predict", body, request.Count, cancellationToken).ConfigureAwait(false);
        using var document = Parse(buffer, model);
        var images = new List<GeneratedImage>();
        var reasons = new List<string>();
        foreach (var prediction in Array(document.RootElement, "predictions"))
        {
            if (prediction.TryGetProperty("bytesBase64Encoded", out var data))
            {
                images.Add(Image(Decode(data, model), prediction.TryGetProperty("prompt", out var enhanced) ? enhanced.GetString() : null));
            }
            else if (prediction.TryGetProperty("raiFilteredReason", out var reason) && reason.GetString() is { } why)
            {
                reasons.Add(why);
            }
        }

        string because = reasons.Count > 0 ? string.Join(" ", reasons.Distinct()) : "no reason given";
        if (images.Count == 0)
        {
            throw Refused(model, $"Google's safety system filtered every image: {Shorten(because)}", "raiFilteredReason");
        }

        // Filtered images are simply missing: their slots carry the reason, the others are kept.
        for (int missing = images.Count; missing < request.Count; missing++)
        {
            images.Add(new GeneratedImage { Error = Refused(model, $"Google's safety system filtered this image: {Shorten(because)}", "raiFilteredReason"), ContentFlagged = true });
        }

        return Result(model, request, images, warnings, null, started, null, null);
    }

    private ImageGenerationResult Result(string model, ImageGenerationRequest request, IReadOnlyList<GeneratedImage> images, IReadOnlyList<ImageGenerationWarning> warnings, ImageUsage? usage, long started, string? text, string? imageSize) => new()
    {
        Images = images,
        Provider = ProviderName,
        Model = model,
        Warnings = warnings,
        Usage = usage,
        Cost = Cost(model, request with { Count = images.Count(i => i.IsSuccess) }, imageSize),
        Elapsed = _transport.TimeProvider.GetElapsedTime(started),
        RawRepresentation = text,
    };

    // Gemini 3 prices depend on the imageSize sent, which the core catalog cannot see; other models use the catalog.
    private static ImageCost? Cost(string model, ImageGenerationRequest request, string? imageSize) =>
        GooglePrices.Find(model, imageSize) is { } each
            ? new ImageCost { EstimatedUsd = each * request.Count, Basis = $"per image, {imageSize ?? "1K"}, x{request.Count}, Gemini API price list as of {GooglePrices.AsOf}" }
            : PriceCatalog.Default.Estimate(ProviderName, model, request);

    // The JsonObject escape hatch merges member by member at every depth: {"parameters":{"language":"en"}} adds one
    // parameter and keeps sampleCount. Arrays and values replace what the SDK built.
    private static void MergeDeep(JsonObject body, JsonObject? extra)
    {
        if (extra is null)
        {
            return;
        }

        foreach (var (name, value) in extra)
        {
            if (value is JsonObject inner && body[name] is JsonObject existing)
            {
                MergeDeep(existing, inner);
            }
            else
            {
                body[name] = value?.DeepClone();
            }
        }
    }

    private async Task<PooledBuffer> PostAsync(string model, string method, JsonObject body, int images, CancellationToken cancellationToken)
    {
        Uri address;
        var message = new HttpRequestMessage(HttpMethod.Post, (Uri?)null);
        if (_options.UsesVertex)
        {
            // PROVIDERS.md 13.4: Gemini models are served at global or a region, Imagen's :predict only in a region.
            string location = _options.VertexLocation.Equals("global", StringComparison.OrdinalIgnoreCase) && GoogleModels.IsImagen(model) ? _options.VertexImagenLocation : _options.VertexLocation;
            string host = location.Equals("global", StringComparison.OrdinalIgnoreCase) ? "aiplatform.googleapis.com" : $"{location}-aiplatform.googleapis.com";
            address = new Uri($"https://{host}/v1/projects/{Uri.EscapeDataString(_options.VertexProject!)}/locations/{Uri.EscapeDataString(location)}/publishers/google/models/{Uri.EscapeDataString(model)}:{method}");
            string token = await _options.AccessTokenProvider!(cancellationToken).ConfigureAwait(false);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else
        {
            string baseText = _options.Endpoint.AbsoluteUri.TrimEnd('/');
            address = new Uri($"{baseText}/v1beta/models/{Uri.EscapeDataString(model)}:{method}");
            message.Headers.TryAddWithoutValidation("x-goog-api-key", _options.ApiKey);
        }

        message.RequestUri = address;
        message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, GoogleJsonContext.Default.JsonObject));
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        ProviderTransport.MarkBillableSubmit(message, model, images);
        using (message)
        {
            using var response = await _transport.SendAsync(message, model, cancellationToken).ConfigureAwait(false);
            return await _transport.ReadBodyAsync(response, 256L * 1024 * 1024, cancellationToken).ConfigureAwait(false);
        }
    }

    // A body cut off, or a proxy's HTML page, is an unexpected answer, not a parser exception.
    private static JsonDocument Parse(PooledBuffer buffer, string model)
    {
        try
        {
            return JsonDocument.Parse(buffer.Memory);
        }
        catch (JsonException ex)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Google answered with JSON this SDK could not read.", ex) { Provider = ProviderName, Model = model };
        }
    }

    private static byte[] Decode(JsonElement data, string model)
    {
        try
        {
#if NET9_0_OR_GREATER
            // GetBytesFromBase64 decodes into a pooled buffer and copies the image out; decoding the raw token (quotes
            // stripped) writes the image once, into its exact-size array. Escaped text (such as "\/") takes the copy.
            if (data.ValueKind == JsonValueKind.String && JsonMarshal.GetRawUtf8Value(data) is { Length: >= 2 } raw && raw.IndexOf((byte)'\\') < 0)
            {
                return Base64Image.Decode(raw[1..^1]);
            }
#endif
            return data.GetBytesFromBase64();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException || (ex is ImageGenerationException { Provider: null }))
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Google answered with image data that is not valid base64.", ex) { Provider = ProviderName, Model = model };
        }
    }

    private static GeneratedImage Image(byte[] data, string? revisedPrompt)
    {
        var size = ImageHeader.TryReadSize(data, out var read) ? read : (ImageSize?)null;
        return new GeneratedImage { Data = data, MediaType = ImageHeader.SniffMediaType(data) ?? "image/png", Width = size?.Width, Height = size?.Height, RevisedPrompt = revisedPrompt };
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static long? Long(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.TryGetInt64(out long number) ? number : null;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static ImageGenerationException Refused(string model, string message, string? code) =>
        new(ImageGenerationErrorKind.ContentPolicy, message + " Change the prompt or input image.") { Provider = ProviderName, Model = model, ProviderErrorCode = code };
}
