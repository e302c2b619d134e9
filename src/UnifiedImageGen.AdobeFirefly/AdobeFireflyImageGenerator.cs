using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>
/// Adobe Firefly Services, Firefly API v3: a bearer token from Adobe IMS (<see cref="AdobeImsTokenProvider"/>) and the
/// client id as <c>x-api-key</c>; the model through <c>x-model-version</c>; <c>POST /v3/images/generate-async</c>, then
/// the returned <c>statusUrl</c> (the job id) is polled and the returned <c>cancelUrl</c> used to cancel. Input images
/// are uploaded (<c>POST /v2/storage/image</c>) and sent as a style or structure reference. Outputs are downloaded at once.
/// </summary>
public sealed class AdobeFireflyImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"firefly"</c>.</summary>
    public const string ProviderName = "firefly";

    private static readonly string[] Reserved = ["prompt", "numVariations"];
    private static readonly string[] Versions = ["image4_standard", "image4_ultra", "image3", "image4_custom", "image3_custom"];
    private static readonly ImageSize[] Sizes = [new(2048, 2048), new(2304, 1792), new(1792, 2304), new(2688, 1536), new(1344, 768), new(1024, 1024), new(1152, 896), new(896, 1152)];

    private readonly AdobeFireflyImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly AdobeImsTokenProvider _tokens;
    private readonly IDisposable[] _owned;
    private readonly ConcurrentDictionary<string, string> _cancelUrls = new(StringComparer.Ordinal);

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="options">The client id, secret and other options.</param>
    public AdobeFireflyImageGenerator(AdobeFireflyImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's (also used for IMS).</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public AdobeFireflyImageGenerator(HttpClient httpClient, AdobeFireflyImageGeneratorOptions options)
        : this(httpClient, options, null, null, owned: false)
    {
    }

    internal AdobeFireflyImageGenerator(HttpClient httpClient, AdobeFireflyImageGeneratorOptions options, ImageDownloader? downloader, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("AdobeFireflyImageGeneratorOptions");

        _options = options;
        (downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader, owned);
        _transport = new ProviderTransport(httpClient, new AdobeFireflyErrorMapper(new SecretRedactor(options.ApiKey, options.ClientSecret), TimeProvider), downloader, TimeProvider);
        _tokens = new AdobeImsTokenProvider(httpClient, options, TimeProvider);
        var models = Versions.Select(Describe).ToArray();
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? "image4_standard", models, Describe);
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var message = await RequestAsync(HttpMethod.Get, FireflyUrl(jobId), null, cancellationToken).ConfigureAwait(false);
        var status = await _transport.SendJsonAsync(message, FireflyJsonContext.Default.FireflyStatus, null, cancellationToken).ConfigureAwait(false);
        return ToJob(jobId, status, _transport.ErrorMapper.Redactor);
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        // The cancel URL Firefly returned; for a job resumed by id, the documented sibling of its status URL.
        string cancelUrl = _cancelUrls.TryGetValue(jobId, out var known) ? known : FireflyUrl(jobId).AbsoluteUri.Replace("/v3/status/", "/v3/cancel/", StringComparison.Ordinal);
        using (var message = await RequestAsync(HttpMethod.Put, FireflyUrl(cancelUrl), null, cancellationToken).ConfigureAwait(false))
        {
            ImageGenerationResilienceHandler.MarkIdempotent(message);
            using var response = await _transport.SendAsync(message, null, cancellationToken).ConfigureAwait(false);
        }

        return await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the HTTP clients this generator created itself.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <inheritdoc/>
    protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ImageRequestValidator.ValidateArguments(request);
        string model = request.Model ?? Metadata.DefaultModel;
        var validation = ImageRequestValidator.Validate(request with { Model = model }, Metadata.GetModel(model), _options.UnsupportedSettingBehavior, ProviderName);
        var applied = validation.Request;
        var (typed, json) = ProviderOptionsReader.Read<AdobeFireflyRequestOptions>(request, ProviderName);
        typed ??= new AdobeFireflyRequestOptions();

        var body = new JsonObject { ["prompt"] = applied.Prompt, ["numVariations"] = applied.Count };
        if (applied.Size is { } size)
        {
            body["size"] = new JsonObject { ["width"] = size.Width, ["height"] = size.Height };
        }

        if (typed.ContentClass is { } contentClass)
        {
            body["contentClass"] = contentClass;
        }

        if (applied.NegativePrompt is { } negative)
        {
            body["negativePrompt"] = negative;
        }

        if (applied.Seed is { } seed)
        {
            body["seeds"] = new JsonArray([.. Enumerable.Range(0, applied.Count).Select(i => (JsonNode)(unchecked(seed + i) & long.MaxValue))]);
        }

        if (typed.VisualIntensity is { } intensity)
        {
            body["visualIntensity"] = Math.Clamp(intensity, 2, 10);
        }

        if (typed.LocaleCode is { } locale)
        {
            body["promptBiasingLocaleCode"] = locale;
        }

        var presets = typed.StylePresets ?? (applied.Style is { } style ? [style] : null);
        JsonObject? styleNode = presets is null ? null : new JsonObject { ["presets"] = new JsonArray([.. presets.Select(p => (JsonNode)p)]) };
        if (applied.InputImages.Count > 0)
        {
            var reference = new JsonObject { ["source"] = await SourceAsync(applied.InputImages[0], cancellationToken).ConfigureAwait(false) };
            if (typed.InputImageIsStructure)
            {
                body["structure"] = new JsonObject { ["imageReference"] = reference, ["strength"] = (int)Math.Round((1 - (applied.Strength ?? 0.5)) * 100) };
            }
            else
            {
                styleNode ??= new JsonObject();
                styleNode["imageReference"] = reference;
                if (typed.StyleStrength is { } strength)
                {
                    styleNode["strength"] = Math.Clamp(strength, 1, 100);
                }
            }
        }

        if (styleNode is not null)
        {
            body["style"] = styleNode;
        }

        ProviderOptionsReader.Merge(body, typed.Fields, ProviderName, Reserved);
        ProviderOptionsReader.Merge(body, json, ProviderName, Reserved);

        using var message = await RequestAsync(HttpMethod.Post, new Uri(Base(), "v3/images/generate-async"), model, cancellationToken).ConfigureAwait(false);
        message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, FireflyJsonContext.Default.JsonObject));
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = await _transport.SendJsonAsync(message, FireflyJsonContext.Default.FireflyStarted, model, cancellationToken).ConfigureAwait(false);
        string jobId = started.StatusUrl ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Firefly accepted the request without a statusUrl.") { Provider = ProviderName, Model = model };
        FireflyUrl(jobId);
        if (started.CancelUrl is { } cancel)
        {
            FireflyUrl(cancel);
            _cancelUrls[jobId] = cancel;
        }

        return new StartedJob(new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Queued, Model = model }, validation.Warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var status = job.RawRepresentation as FireflyStatus ?? (FireflyStatus)(await GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)).RawRepresentation!;
        var outputs = status.Result?.Outputs?.Where(o => o.Image?.Url is not null).ToArray() ?? [];
        if (outputs.Length == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The Firefly job {job.Id} succeeded without outputs.") { Provider = ProviderName, ProviderRequestId = status.JobId ?? job.Id };
        }

        var images = await Task.WhenAll(outputs.Select(async output =>
        {
            var image = await _transport.Downloader.DownloadAsync(output.Image!.Url!, cancellationToken).ConfigureAwait(false);
            var size = ImageHeader.TryReadSize(image.Data, out var read) ? read : (ImageSize?)null;
            return new GeneratedImage { Data = image.Data, MediaType = image.MediaType, Width = size?.Width, Height = size?.Height, Seed = output.Seed, SourceUri = image.SourceUri };
        })).ConfigureAwait(false);
        _cancelUrls.TryRemove(job.Id, out _);
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = job.Model ?? Metadata.DefaultModel,
            Cost = new ImageCost { EstimatedUsd = 0m, Basis = "Firefly generative credits under your Adobe contract (not priced here)" },
            ProviderRequestId = status.JobId ?? job.Id,
            RawRepresentation = status,
        };
    }

    private static ImageJob ToJob(string jobId, FireflyStatus status, SecretRedactor redactor)
    {
        var state = status.Status?.ToLowerInvariant() switch
        {
            "pending" or "waiting" => ImageJobStatus.Queued,
            "running" => ImageJobStatus.Running,
            "succeeded" => ImageJobStatus.Succeeded,
            "failed" => ImageJobStatus.Failed,
            "cancelled" or "canceled" or "cancel_pending" => ImageJobStatus.Canceled,
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Firefly answered with the unknown status '{other}'.") { Provider = ProviderName, ProviderRequestId = jobId },
        };
        string? reason = status.ErrorCode is null && status.Message is null ? null : $"{status.ErrorCode} {status.Message}".Trim();
        bool refused = reason is not null && (reason.Contains("content", StringComparison.OrdinalIgnoreCase) || reason.Contains("policy", StringComparison.OrdinalIgnoreCase) || reason.Contains("moderation", StringComparison.OrdinalIgnoreCase));
        return new ImageJob
        {
            Provider = ProviderName,
            Id = jobId,
            Status = state,
            Progress = state == ImageJobStatus.Succeeded ? 1 : status.Progress is { } p ? Math.Clamp(p / 100, 0, 1) : null,
            Error = state == ImageJobStatus.Failed
                ? new ImageGenerationException(refused ? ImageGenerationErrorKind.ContentPolicy : ImageGenerationErrorKind.ProviderUnavailable, $"The Firefly job failed: {redactor.Redact(reason ?? "no reason given")}") { Provider = ProviderName, ProviderRequestId = status.JobId ?? jobId, ProviderErrorCode = redactor.Redact(status.ErrorCode) }
                : null,
            OutputUris = status.Result?.Outputs?.Where(o => o.Image?.Url is not null).Select(o => Uri.TryCreate(o.Image!.Url, UriKind.Absolute, out var url) ? url : null).OfType<Uri>().ToArray() ?? [],
            RawRepresentation = status,
        };
    }

    private static ImageModelDescriptor Describe(string version) => new(version, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed | ImageCapabilities.ServerCancellation | ImageCapabilities.Progress)
    {
        MaxImagesPerCall = 4,
        SupportedSizes = Sizes,
        SupportedFormats = [ImageFormat.Jpeg, ImageFormat.Png],
        MaxInputImages = 1,
    };

    // Firefly references images by URL or by the id of an upload to its storage.
    private async Task<JsonObject> SourceAsync(ImageInput image, CancellationToken cancellationToken)
    {
        if (image.Uri is { } url)
        {
            return new JsonObject { ["url"] = url.AbsoluteUri };
        }

        using var message = await RequestAsync(HttpMethod.Post, new Uri(Base(), "v2/storage/image"), null, cancellationToken).ConfigureAwait(false);
        message.Content = new ReadOnlyMemoryContent(image.Data);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(image.MediaType);
        var uploaded = await _transport.SendJsonAsync(message, FireflyJsonContext.Default.FireflyUpload, null, cancellationToken).ConfigureAwait(false);
        string id = uploaded.Images?.FirstOrDefault()?.Id ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Firefly's upload answered without an image id.") { Provider = ProviderName };
        return new JsonObject { ["uploadId"] = id };
    }

    private Uri Base() => ImageGenerationHttp.WithTrailingSlash(_options.Endpoint);

    // Job ids are the status URLs Firefly returned: only Adobe hosts (or the configured endpoint's) are accepted, so a forged id cannot carry our token elsewhere.
    private Uri FireflyUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != _options.Endpoint.Scheme
            || !(parsed.Host.EndsWith(".adobe.io", StringComparison.OrdinalIgnoreCase) || string.Equals(parsed.Authority, _options.Endpoint.Authority, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"'{url}' is not a Firefly job id: expected the statusUrl Firefly returned (https://firefly-api.adobe.io/v3/status/...).", nameof(url));
        }

        return parsed;
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, Uri uri, string? model, CancellationToken cancellationToken)
    {
        string token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        var message = new HttpRequestMessage(method, uri);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        message.Headers.TryAddWithoutValidation("x-api-key", _options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        if (model is not null)
        {
            message.Headers.TryAddWithoutValidation("x-model-version", model);
        }

        return message;
    }

}
