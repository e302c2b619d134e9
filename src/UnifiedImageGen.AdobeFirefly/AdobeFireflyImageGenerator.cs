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
/// the returned <c>statusUrl</c> (the job id) is polled and the returned <c>cancelUrl</c> used to cancel. Inpaint is
/// <c>fill-async</c>, Outpaint <c>expand-async</c>. Input images and masks not on a host Firefly fetches from are
/// uploaded (<c>POST /v2/storage/image</c>) and referenced by <c>uploadId</c>. Outputs are downloaded at once.
/// </summary>
public sealed class AdobeFireflyImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"firefly"</c>.</summary>
    public const string ProviderName = "firefly";

    // image_generation_async_v3.json: prompt and negativePrompt maxLength; upload_image.json: 15 MB, jpeg/png/webp.
    private const int MaxPromptChars = 1024;
    private const long MaxUploadBytes = 15L * 1024 * 1024;

    private static readonly string[] Reserved = ["prompt", "numVariations", "customModelId", "image", "mask"];
    private static readonly string[] Versions = ["image4_standard", "image4_ultra", "image3", "image4_custom", "image3_custom"];
    private static readonly string[] UploadTypes = ["image/jpeg", "image/png", "image/webp"];

    // PublicBinaryInputV3.url: the only hosts Firefly fetches input URLs from (pre-signed URLs).
    private static readonly string[] FetchableHosts = ["amazonaws.com", "windows.net", "dropboxusercontent.com", "storage.googleapis.com"];

    // image_generation_async_v3.json, GenerateImagesRequestV3.size: image4 takes these five, image3 these ten.
    private static readonly ImageSize[] Image4Sizes = [new(2048, 2048), new(2304, 1792), new(1792, 2304), new(2688, 1536), new(1440, 2560)];
    private static readonly ImageSize[] Image3Sizes = [new(2048, 2048), new(1024, 1024), new(2304, 1792), new(1792, 2304), new(2688, 1536), new(2688, 1512), new(1344, 768), new(1344, 756), new(1152, 896), new(896, 1152)];

    // FillImageRequestV3.size (expand: any size up to 3999x3999, ExpandImageRequestV3.size).
    private static readonly ImageSize[] FillSizes = [new(2048, 2048), new(1024, 1024), new(2304, 1792), new(1792, 2304), new(2688, 1536), new(1344, 768), new(1152, 896), new(896, 1152)];

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
        _tokens = new AdobeImsTokenProvider(httpClient, options, TimeProvider, _transport.ErrorMapper.Redactor);
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
        var validation = ImageRequestValidator.Validate(request with { Model = model }, Describe(model, request.Operation), _options.UnsupportedSettingBehavior, ProviderName);
        var applied = validation.Request;
        var (typed, json) = ProviderOptionsReader.Read<AdobeFireflyRequestOptions>(request, ProviderName);
        typed ??= new AdobeFireflyRequestOptions();
        CheckBeforeCall(applied, model, typed);

        // Expand and fill take no x-model-version (generative_expand_async_v3.json, generative_fill_async_v3.json).
        var (path, header, body) = applied.Operation switch
        {
            ImageOperation.Inpaint => ("v3/images/fill-async", (string?)null, await FillBodyAsync(applied, typed, cancellationToken).ConfigureAwait(false)),
            ImageOperation.Outpaint => ("v3/images/expand-async", null, await ExpandBodyAsync(applied, typed, cancellationToken).ConfigureAwait(false)),
            _ => ("v3/images/generate-async", model, await GenerateBodyAsync(applied, model, typed, cancellationToken).ConfigureAwait(false)),
        };
        ProviderOptionsReader.Merge(body, typed.Fields, ProviderName, Reserved);
        ProviderOptionsReader.Merge(body, json, ProviderName, Reserved);

        using var message = await RequestAsync(HttpMethod.Post, new Uri(Base(), path), header, cancellationToken).ConfigureAwait(false);
        message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, FireflyJsonContext.Default.JsonObject));
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        ProviderTransport.MarkBillableSubmit(message, model, applied.Count);
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

    private async Task<JsonObject> GenerateBodyAsync(ImageGenerationRequest applied, string model, AdobeFireflyRequestOptions typed, CancellationToken cancellationToken)
    {
        var body = Common(applied);
        if (typed.CustomModelId is { } custom)
        {
            body["customModelId"] = custom;
        }

        if (typed.ContentClass is { } contentClass)
        {
            body["contentClass"] = contentClass;
        }

        if (typed.VisualIntensity is { } intensity)
        {
            body["visualIntensity"] = Math.Clamp(intensity, 2, 10);
        }

        if (typed.LocaleCode is { } locale)
        {
            body["promptBiasingLocaleCode"] = locale;
        }

        if (typed.UpsamplerType is { } upsampler && model == "image4_custom")
        {
            body["upsamplerType"] = upsampler;
        }

        var presets = typed.StylePresets ?? (applied.Style is { } style ? [style] : null);
        JsonObject? styleNode = presets is null ? null : new JsonObject { ["presets"] = new JsonArray([.. presets.Select(p => (JsonNode)p)]) };
        if (applied.InputImages.Count > 0)
        {
            var reference = new JsonObject { ["source"] = await SourceAsync(applied.InputImages[0], "request.InputImages[0]", cancellationToken).ConfigureAwait(false) };
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

        return body;
    }

    // FillImageRequestV3: image.source, mask.source (+ invert), prompt, negativePrompt, locale, seeds, size.
    private async Task<JsonObject> FillBodyAsync(ImageGenerationRequest applied, AdobeFireflyRequestOptions typed, CancellationToken cancellationToken)
    {
        var body = Common(applied);
        body["image"] = new JsonObject { ["source"] = await SourceAsync(applied.InputImages[0], "request.InputImages[0]", cancellationToken).ConfigureAwait(false) };
        body["mask"] = await MaskAsync(applied.Mask!, typed, cancellationToken).ConfigureAwait(false);
        if (typed.LocaleCode is { } locale)
        {
            body["promptBiasingLocaleCode"] = locale;
        }

        return body;
    }

    // ExpandImageRequestV3: image.source, optional mask or placement (not both), prompt, seeds, size.
    private async Task<JsonObject> ExpandBodyAsync(ImageGenerationRequest applied, AdobeFireflyRequestOptions typed, CancellationToken cancellationToken)
    {
        var body = Common(applied);
        body.Remove("negativePrompt");
        body["image"] = new JsonObject { ["source"] = await SourceAsync(applied.InputImages[0], "request.InputImages[0]", cancellationToken).ConfigureAwait(false) };
        if (applied.Mask is { } mask)
        {
            body["mask"] = await MaskAsync(mask, typed, cancellationToken).ConfigureAwait(false);
        }

        if (typed.Placement is { } placement)
        {
            var node = new JsonObject();
            if (placement.Horizontal is not null || placement.Vertical is not null)
            {
                node["alignment"] = new JsonObject { ["horizontal"] = placement.Horizontal ?? "center", ["vertical"] = placement.Vertical ?? "center" };
            }

            if (placement.Inset is { } inset)
            {
                node["inset"] = new JsonObject { ["left"] = inset.Left, ["top"] = inset.Top, ["right"] = inset.Right, ["bottom"] = inset.Bottom };
            }

            body["placement"] = node;
        }

        return body;
    }

    private static JsonObject Common(ImageGenerationRequest applied)
    {
        var body = new JsonObject { ["numVariations"] = applied.Count };
        if (applied.Prompt is { Length: > 0 } prompt)
        {
            body["prompt"] = prompt;
        }

        if (applied.Size is { } size)
        {
            body["size"] = new JsonObject { ["width"] = size.Width, ["height"] = size.Height };
        }

        if (applied.NegativePrompt is { } negative)
        {
            body["negativePrompt"] = negative;
        }

        if (applied.Seed is { } seed)
        {
            body["seeds"] = new JsonArray([.. Enumerable.Range(0, applied.Count).Select(i => (JsonNode)(unchecked(seed + i) & int.MaxValue))]);
        }

        return body;
    }

    private async Task<JsonObject> MaskAsync(ImageInput mask, AdobeFireflyRequestOptions typed, CancellationToken cancellationToken)
    {
        var node = new JsonObject { ["source"] = await SourceAsync(mask, "request.Mask", cancellationToken).ConfigureAwait(false) };
        if (typed.InvertMask)
        {
            node["invert"] = true;
        }

        return node;
    }

    // Everything the caller can fix is refused here, before the IMS token or any upload is asked for.
    private static void CheckBeforeCall(ImageGenerationRequest applied, string model, AdobeFireflyRequestOptions typed)
    {
        if (applied.NegativePrompt is { Length: > MaxPromptChars } negative)
        {
            throw new ArgumentException($"request.NegativePrompt is {negative.Length:N0} characters; Firefly takes at most {MaxPromptChars}.", "request");
        }

        bool customModel = model.EndsWith("_custom", StringComparison.Ordinal);
        if (applied.Operation is ImageOperation.Generate or ImageOperation.ImageToImage && customModel != typed.CustomModelId is not null)
        {
            throw new ArgumentException(customModel
                ? $"Model '{model}' needs AdobeFireflyRequestOptions.CustomModelId (the custom model's id, sent as customModelId)."
                : $"AdobeFireflyRequestOptions.CustomModelId is only for the custom models (image3_custom, image4_custom), not '{model}'.", "request");
        }

        if (applied.Operation is ImageOperation.Inpaint or ImageOperation.Outpaint)
        {
            if (applied.InputImages.Count == 0)
            {
                throw new ArgumentException($"ImageOperation.{applied.Operation} needs the image in request.InputImages[0].", "request");
            }

            if (applied.Operation == ImageOperation.Inpaint && applied.Mask is null)
            {
                throw new ArgumentException("ImageOperation.Inpaint (Firefly fill) needs request.Mask: white where to repaint, black where to keep.", "request");
            }

            if (applied.Operation == ImageOperation.Outpaint && applied.Mask is not null && typed.Placement is not null)
            {
                throw new ArgumentException("Firefly expand takes a mask or a placement, not both: drop request.Mask or AdobeFireflyRequestOptions.Placement.", "request");
            }
        }

        ImageInput?[] uploads = [applied.InputImages.Count > 0 ? applied.InputImages[0] : null, applied.Mask];
        for (int i = 0; i < uploads.Length; i++)
        {
            if (uploads[i] is { IsUri: false } input)
            {
                CheckUpload(input.Data.Length, input.MediaType, i == 0 ? "request.InputImages[0]" : "request.Mask");
            }
        }
    }

    // upload_image.json: the storage API takes image/jpeg, image/png or image/webp up to 15 MB.
    private static void CheckUpload(long length, string mediaType, string name)
    {
        if (!UploadTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{name} is {mediaType}; Firefly's storage takes {string.Join(", ", UploadTypes)}.", "request");
        }

        if (length > MaxUploadBytes)
        {
            throw new ArgumentException($"{name} is {length:N0} bytes; Firefly's storage takes at most 15 MB ({MaxUploadBytes:N0} bytes).", "request");
        }
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
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Firefly answered with the unknown status '{redactor.Redact(other)}'.") { Provider = ProviderName, ProviderRequestId = jobId },
        };
        string? reason = status.ErrorCode is null && status.Message is null ? null : $"{status.ErrorCode} {status.Message}".Trim();
        // A job refused by the safety checks fails with one of the unsafe codes; older answers only said so in words.
        bool refused = AdobeFireflyErrorMapper.IsRefusal(status.ErrorCode) || (reason is not null && (reason.Contains("content", StringComparison.OrdinalIgnoreCase) || reason.Contains("policy", StringComparison.OrdinalIgnoreCase) || reason.Contains("moderation", StringComparison.OrdinalIgnoreCase)));
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

    private static ImageModelDescriptor Describe(string version) => new(version, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting | ImageCapabilities.Outpainting | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed | ImageCapabilities.ServerCancellation | ImageCapabilities.Progress)
    {
        MaxImagesPerCall = 4,
        SupportedSizes = version.StartsWith("image4", StringComparison.Ordinal) ? Image4Sizes : Image3Sizes,
        SupportedFormats = [ImageFormat.Jpeg, ImageFormat.Png],
        MaxPromptLength = MaxPromptChars,
        MaxInputImages = 1,
    };

    // Fill and expand have their own sizes, whatever the model.
    private ImageModelDescriptor Describe(string model, ImageOperation operation) => operation switch
    {
        ImageOperation.Inpaint => Metadata.GetModel(model) with { SupportedSizes = FillSizes },
        ImageOperation.Outpaint => Metadata.GetModel(model) with { SupportedSizes = [], SizeConstraint = new ImageSizeConstraint(1, 3999) },
        _ => Metadata.GetModel(model),
    };

    // PublicBinaryInputV3: a url only on the hosts Firefly fetches from, otherwise the id of an upload to its storage.
    // Other URLs go through the guarded downloader (private addresses refused) and are uploaded.
    private async Task<JsonObject> SourceAsync(ImageInput image, string name, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> data = image.Data;
        string mediaType = image.MediaType;
        if (image.Uri is { } url)
        {
            if (IsFireflyFetchable(url))
            {
                return new JsonObject { ["url"] = url.AbsoluteUri };
            }

            var downloaded = await _transport.Downloader.DownloadAsync(url, cancellationToken).ConfigureAwait(false);
            try
            {
                CheckUpload(downloaded.Data.Length, downloaded.MediaType, name + " (downloaded from " + url.Host + ")");
            }
            catch (ArgumentException ex)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, ex.Message.Split(" (Parameter", 2)[0]) { Provider = ProviderName };
            }

            (data, mediaType) = (downloaded.Data, downloaded.MediaType);
        }

        using var message = await RequestAsync(HttpMethod.Post, new Uri(Base(), "v2/storage/image"), null, cancellationToken).ConfigureAwait(false);
        message.Content = new ReadOnlyMemoryContent(data);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var uploaded = await _transport.SendJsonAsync(message, FireflyJsonContext.Default.FireflyUpload, null, cancellationToken).ConfigureAwait(false);
        string id = uploaded.Images?.FirstOrDefault()?.Id ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Firefly's upload answered without an image id.") { Provider = ProviderName };
        return new JsonObject { ["uploadId"] = id };
    }

    internal static bool IsFireflyFetchable(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps && FetchableHosts.Any(host => url.Host.Equals(host, StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith("." + host, StringComparison.OrdinalIgnoreCase));

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
