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
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, owned: true)
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
        _owned = owned ? [httpClient] : [];
        _transport = new ProviderTransport(httpClient, new GoogleErrorMapper(new SecretRedactor(options.ApiKey), timeProvider ?? TimeProvider.System), new ImageDownloader(httpClient, options.Download, ProviderName), timeProvider);
        bool vertex = options.UsesVertex;
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? GoogleModels.Gemini25FlashImage, GoogleModels.For(vertex), id => GoogleModels.Unknown(id, vertex));
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

        if (GoogleModels.IsImagen(model) && !_options.UsesVertex && !_options.AllowGeminiApiImagen)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.ModelNotFound, $"Imagen ({model}) was retired from the Gemini API in 2026. Use a Gemini image model ({GoogleModels.Gemini25FlashImage}), Imagen on Vertex AI (set VertexProject), or set AllowGeminiApiImagen if your project still has access.")
            {
                Provider = ProviderName,
                Model = model,
            };
        }

        return ImageBatch.RunAsync(
            validation.Request,
            descriptor.MaxImagesPerCall,
            // The size asked for picks Gemini 3's 1K/2K/4K class, though validation turned it into a ratio.
            (part, ct) => GoogleModels.IsImagen(model) ? PredictAsync(part, typed, json, validation.Warnings, ct) : GenerateContentAsync(part, typed, json, request.Size, validation.Warnings, ct),
            _transport.TimeProvider,
            cancellationToken: cancellationToken);
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

    private async Task<ImageGenerationResult> GenerateContentAsync(ImageGenerationRequest request, GoogleRequestOptions options, JsonObject? json, ImageSize? requestedSize, IReadOnlyList<ImageGenerationWarning> warnings, CancellationToken cancellationToken)
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
            imageConfig["aspectRatio"] = ratio.ToString();
        }

        if ((options.ImageSize ?? SizeClass(requestedSize, model)) is { } size)
        {
            imageConfig["imageSize"] = size;
        }

        var body = new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = parts }),
            ["generationConfig"] = new JsonObject
            {
                ["responseModalities"] = new JsonArray("TEXT", "IMAGE"),
                ["imageConfig"] = imageConfig,
            },
        };

        ProviderOptionsReader.Merge(body, json, ProviderName, Reserved);
        using var buffer = await PostAsync(model, "generateContent", body, cancellationToken).ConfigureAwait(false);
        using var document = Parse(buffer, model);
        var root = document.RootElement;
        if (root.TryGetProperty("promptFeedback", out var feedback) && feedback.TryGetProperty("blockReason", out var blocked))
        {
            throw Refused(model, $"Google blocked the prompt ({blocked.GetString()}).", blocked.GetString());
        }

        var images = new List<GeneratedImage>();
        var text = new List<string>();
        string? finish = null;
        foreach (var candidate in Array(root, "candidates"))
        {
            finish ??= candidate.TryGetProperty("finishReason", out var reason) ? reason.GetString() : null;
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
            bool safety = finish is not null && (finish.Contains("SAFETY", StringComparison.Ordinal) || finish.Contains("PROHIBITED", StringComparison.Ordinal) || finish.Contains("BLOCKLIST", StringComparison.Ordinal));
            throw safety
                ? Refused(model, $"Google's safety system withheld the image (finishReason {finish}).", finish)
                : new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Google answered without an image (finishReason {finish ?? "none"}){(text.Count > 0 ? ": " + Shorten(string.Join(" ", text)) : "")}.") { Provider = ProviderName, Model = model };
        }

        ImageUsage? usage = root.TryGetProperty("usageMetadata", out var meta)
            ? new ImageUsage { InputTokens = Long(meta, "promptTokenCount"), OutputTokens = Long(meta, "candidatesTokenCount"), TotalTokens = Long(meta, "totalTokenCount") }
            : null;
        return Result(model, request, images, warnings, usage, started, string.Join("\n", text));
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
            parameters["aspectRatio"] = ratio.ToString();
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
        ProviderOptionsReader.Merge(body, json, ProviderName, Reserved);
        using var buffer = await PostAsync(model, "predict", body, cancellationToken).ConfigureAwait(false);
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

        return Result(model, request, images, warnings, null, started, null);
    }

    private ImageGenerationResult Result(string model, ImageGenerationRequest request, IReadOnlyList<GeneratedImage> images, IReadOnlyList<ImageGenerationWarning> warnings, ImageUsage? usage, long started, string? text) => new()
    {
        Images = images,
        Provider = ProviderName,
        Model = model,
        Warnings = warnings,
        Usage = usage,
        Cost = PriceCatalog.Default.Estimate(ProviderName, model, request with { Count = images.Count(i => i.IsSuccess) }),
        Elapsed = _transport.TimeProvider.GetElapsedTime(started),
        RawRepresentation = text,
    };

    private async Task<PooledBuffer> PostAsync(string model, string method, JsonObject body, CancellationToken cancellationToken)
    {
        Uri address;
        var message = new HttpRequestMessage(HttpMethod.Post, (Uri?)null);
        if (_options.UsesVertex)
        {
            string host = _options.VertexLocation == "global" ? "aiplatform.googleapis.com" : $"{_options.VertexLocation}-aiplatform.googleapis.com";
            address = new Uri($"https://{host}/v1/projects/{Uri.EscapeDataString(_options.VertexProject!)}/locations/{Uri.EscapeDataString(_options.VertexLocation)}/publishers/google/models/{Uri.EscapeDataString(model)}:{method}");
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

    // Gemini 3 takes 1K/2K/4K; chosen from the longest side asked for.
    private static string? SizeClass(ImageSize? size, string model) =>
        size is not { } s || !model.StartsWith("gemini-3", StringComparison.OrdinalIgnoreCase) ? null
        : Math.Max(s.Width, s.Height) switch { <= 1024 => "1K", <= 2048 => "2K", _ => "4K" };

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static long? Long(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.TryGetInt64(out long number) ? number : null;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static ImageGenerationException Refused(string model, string message, string? code) =>
        new(ImageGenerationErrorKind.ContentPolicy, message + " Change the prompt or input image.") { Provider = ProviderName, Model = model, ProviderErrorCode = code };
}
