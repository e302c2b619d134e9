using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Fal.Wire;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Fal;

/// <summary>
/// fal.ai through its queue: submit to <c>https://queue.fal.run/{endpoint}</c>, then poll, fetch and cancel at
/// <c>https://queue.fal.run/{owner}/{app}/requests/{request_id}</c> (sub-paths drop out of those URLs, PROVIDERS.md
/// 13.6). The job id is fal's bare <c>request_id</c>, the same value a webhook delivery carries, so a delivery matches
/// the job that started it. <see cref="GetJobAsync"/> and the other job methods also take
/// <c>{endpoint}/requests/{request_id}</c> (resumes a job of any endpoint from another process with its full model id)
/// and the response URL fal returned (ids of earlier versions). A bare id this generator did not start is looked up on
/// its default model's app. FLUX schnell, dev, dev image-to-image, flux-lora, 1.1 pro and ultra, Kontext pro/max and FLUX.2
/// dev/pro (with their edit endpoints) get the unified request mapped onto their inputs (<see cref="FalModels"/>); other
/// endpoints take the prompt plus provider options. Input bytes above <see cref="FalImageGeneratorOptions.InlineInputMaxBytes"/>
/// are uploaded to fal storage first. Images are downloaded at once.
/// </summary>
public sealed class FalImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"fal"</c>.</summary>
    public const string ProviderName = "fal";

    private const long MaxResponseBytes = 64L * 1024 * 1024;

    private readonly FalImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly FalStorage _storage;
    private readonly IDisposable[] _owned;

    // request_id -> the full endpoint id of jobs this generator started, so a bare id resumes with its full model id.
    private readonly ConcurrentDictionary<string, string> _endpoints = new(StringComparer.Ordinal);

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="apiKey">The fal key (<c>key</c> or <c>key_id:key_secret</c>).</param>
    public FalImageGenerator(string apiKey)
        : this(new FalImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="options">The options.</param>
    public FalImageGenerator(FalImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public FalImageGenerator(HttpClient httpClient, FalImageGeneratorOptions options)
        : this(httpClient, options, null, null, owned: false)
    {
    }

    internal FalImageGenerator(HttpClient httpClient, FalImageGeneratorOptions options, ImageDownloader? downloader, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("FalImageGeneratorOptions");

        _options = options;
        (downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader, owned);
        _transport = new ProviderTransport(httpClient, new FalErrorMapper(new SecretRedactor(options.ApiKey), TimeProvider), downloader, TimeProvider);
        _storage = new FalStorage(_transport, options);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? FalModels.FluxDev, FalModels.All, FalModels.Unknown);
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = Resolve(jobId);
        using var message = Request(HttpMethod.Get, new Uri(job.Url.AbsoluteUri + "/status?logs=1"));
        var status = await _transport.SendJsonAsync(message, FalJsonContext.Default.QueueStatus, job.Endpoint, cancellationToken).ConfigureAwait(false);
        return ToJob(jobId, status, _transport.ErrorMapper.Redactor) with { Model = job.Endpoint };
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = Resolve(jobId);
        using (var message = Request(HttpMethod.Put, new Uri(job.Url.AbsoluteUri + "/cancel")))
        {
            try
            {
                using var response = await _transport.SendAsync(message, job.Endpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageGenerationException ex) when (ex.ResponseBody?.Contains("ALREADY_COMPLETED", StringComparison.Ordinal) == true)
            {
                // fal answers ALREADY_COMPLETED for a finished request (PROVIDERS.md 13.6): nothing to cancel, not an error.
            }
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
        string endpoint = request.Model ?? Metadata.DefaultModel;
        var descriptor = Metadata.GetModel(endpoint);
        var validation = ImageRequestValidator.Validate(request with { Model = endpoint }, descriptor, _options.UnsupportedSettingBehavior, ProviderName);
        OnHost(_options.Endpoint, endpoint);
        OnHost(_options.SyncEndpoint, endpoint);
        var (typed, json) = ProviderOptionsReader.Read<FalRequestOptions>(request, ProviderName);
        typed ??= new FalRequestOptions();
        if (typed.QueueTimeout is { TotalSeconds: <= 1 } tooShort)
        {
            throw new ArgumentOutOfRangeException(nameof(request), tooShort, $"FalRequestOptions.QueueTimeout must be more than 1 second (fal's minimum for X-Fal-Request-Timeout); it is {tooShort.TotalSeconds} s.");
        }

        FalInputs.Check(FalModels.Find(endpoint), typed);
        var warnings = validation.Warnings.ToList();
        var applied = validation.Request;

        // fal names some shapes (landscape_16_9, ...): a ratio the caller asked for is sent by name when it has one.
        var ratio = request.Size is null ? request.AspectRatio : null;
        var behavior = _options.UnsupportedSettingBehavior;

        // A first pass with stand-in URLs runs every rule that can refuse the request before anything is uploaded.
        FalInputs.Build(descriptor, applied, ratio, [.. applied.InputImages.Select(_ => "")], typed, json, behavior, warnings);
        var images = await _storage.ReferencesAsync(applied.InputImages, endpoint, cancellationToken).ConfigureAwait(false);
        var body = FalInputs.Build(descriptor, applied, ratio, images, typed, json, behavior, []);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, FalJsonContext.Default.JsonObject));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        if (!_options.UseQueue)
        {
            using var sync = Request(HttpMethod.Post, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.SyncEndpoint), endpoint));
            sync.Content = content;
            ProviderTransport.MarkBillableSubmit(sync, endpoint, applied.Count);
            using var response = await _transport.SendAsync(sync, endpoint, cancellationToken).ConfigureAwait(false);
            string requestId = response.Headers.TryGetValues("x-fal-request-id", out var ids) ? ids.First() : "sync-" + Guid.NewGuid().ToString("N");
            var output = await ReadAsync(response, FalJsonContext.Default.FluxOutput, endpoint, cancellationToken).ConfigureAwait(false);
            var done = new ImageJob { Provider = ProviderName, Id = requestId, Status = ImageJobStatus.Succeeded, Model = endpoint, Progress = 1, RawRepresentation = output, OutputUris = Urls(output) };
            return new StartedJob(done, warnings);
        }

        var webhook = typed.WebhookUrl ?? _options.WebhookUrl;
        var submitUrl = new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), endpoint + (webhook is null ? "" : "?fal_webhook=" + Uri.EscapeDataString(webhook.AbsoluteUri)));
        using var submit = Request(HttpMethod.Post, submitUrl);
        submit.Content = content;
        // X-Fal-Request-Timeout bounds the wait in fal's queue, not the run (PROVIDERS.md 13.6), so it is sent only when asked for.
        if ((typed.QueueTimeout ?? _options.QueueTimeout) is { } queueTimeout)
        {
            submit.Headers.TryAddWithoutValidation("X-Fal-Request-Timeout", ((long)Math.Ceiling(queueTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (typed.QueuePriority is { } priority)
        {
            submit.Headers.TryAddWithoutValidation("X-Fal-Queue-Priority", priority);
        }

        ProviderTransport.MarkBillableSubmit(submit, endpoint, applied.Count);
        var submitted = await _transport.SendJsonAsync(submit, FalJsonContext.Default.QueueSubmitted, endpoint, cancellationToken).ConfigureAwait(false);
        if (submitted.RequestId is not { } requestIdOfJob || !IsRequestId(requestIdOfJob))
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "fal accepted the request but returned no usable request id.") { Provider = ProviderName, Model = endpoint };
        }

        if (_endpoints.Count >= 10_000)
        {
            _endpoints.Clear(); // a bound, not a cache policy: forgotten ids still resolve through the default model or a qualified id
        }

        _endpoints[requestIdOfJob] = endpoint;
        var job = new ImageJob { Provider = ProviderName, Id = requestIdOfJob, Status = ImageJobStatus.Queued, Model = endpoint, QueuePosition = submitted.QueuePosition, RawRepresentation = submitted };
        return new StartedJob(job, warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var output = job.RawRepresentation as FluxOutput;
        string model = job.Model ?? Resolve(job.Id).Endpoint;
        if (output is null)
        {
            using var message = Request(HttpMethod.Get, Resolve(job.Id).Url);
            output = await _transport.SendJsonAsync(message, FalJsonContext.Default.FluxOutput, model, cancellationToken).ConfigureAwait(false);
        }

        return await ToResultAsync(output, model, job.Id, cancellationToken).ConfigureAwait(false);
    }

    internal static ImageJob ToJob(string jobId, QueueStatus status, SecretRedactor? redactor = null)
    {
        var logs = status.Logs?.Where(l => l.Message is not null).Select(l => l.Message!).ToArray() ?? [];
        bool failed = status.Status == "COMPLETED" && (status.Error is not null || status.ErrorType is not null);
        var state = status.Status switch
        {
            "IN_QUEUE" => ImageJobStatus.Queued,
            "IN_PROGRESS" => ImageJobStatus.Running,
            "COMPLETED" when failed => ImageJobStatus.Failed,
            "COMPLETED" => ImageJobStatus.Succeeded,
            "CANCELLED" or "CANCELED" => ImageJobStatus.Canceled,
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"fal answered with the unknown queue status '{(redactor ?? SecretRedactor.Default).Redact(other)}'.") { Provider = ProviderName, ProviderRequestId = jobId },
        };
        return new ImageJob
        {
            Provider = ProviderName,
            Id = jobId,
            Status = state,
            QueuePosition = status.QueuePosition,
            Logs = logs,
            Progress = state == ImageJobStatus.Succeeded ? 1 : LogProgress.Parse(string.Join('\n', logs)),
            Error = failed ? FalErrorMapper.ModelFailure(status.Error, status.ErrorType, null, jobId, redactor) : null,
        };
    }

    internal async Task<ImageGenerationResult> ToResultAsync(FluxOutput output, string endpoint, string jobId, CancellationToken cancellationToken)
    {
        var entries = output.Images ?? [];
        if (entries.Count == 0 || entries.Any(i => i.Url is null))
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"fal request {jobId} finished without image URLs.") { Provider = ProviderName, Model = endpoint, ProviderRequestId = jobId };
        }

        var images = await Task.WhenAll(entries.Select(async (entry, index) =>
        {
            byte[] data;
            string mediaType;
            Uri? source = null;
            if (entry.Url!.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                data = Base64Image.DecodeDataUri(entry.Url, out mediaType);
            }
            else
            {
                var downloaded = await _transport.Downloader.DownloadAsync(entry.Url, cancellationToken).ConfigureAwait(false);
                (data, mediaType, source) = (downloaded.Data, downloaded.MediaType, downloaded.SourceUri);
            }

            var size = ImageHeader.TryReadSize(data, out var read) ? read : (ImageSize?)null;
            return new GeneratedImage
            {
                Data = data,
                MediaType = ImageHeader.SniffMediaType(data) ?? mediaType,
                Width = size?.Width ?? entry.Width,
                Height = size?.Height ?? entry.Height,
                Seed = entries.Count == 1 ? output.Seed : null,
                ContentFlagged = output.HasNsfwConcepts is { } flags && index < flags.Count ? flags[index] : null,
                SourceUri = source,
            };
        })).ConfigureAwait(false);

        double? inference = output.Timings is { } timings && timings.TryGetValue("inference", out var seconds) && seconds.ValueKind == JsonValueKind.Number ? seconds.GetDouble() : null;
        var first = images[0];
        var priced = new ImageGenerationRequest { Model = endpoint, Count = images.Length, Size = first.Width is { } w && first.Height is { } h ? new ImageSize(w, h) : null };
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = endpoint,
            Usage = inference is null ? null : new ImageUsage { ComputeSeconds = inference },
            Cost = PriceCatalog.Default.Estimate(ProviderName, endpoint, priced),
            ProviderRequestId = jobId,
            RawRepresentation = output,
        };
    }

    internal static IReadOnlyList<Uri> Urls(FluxOutput output) =>
        output.Images?.Where(i => i.Url is not null && !i.Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)).Select(i => Uri.TryCreate(i.Url, UriKind.Absolute, out var url) ? url : null).OfType<Uri>().ToArray() ?? [];


    // An endpoint id such as "https://evil.example/x" or "//evil.example/x" would resolve to another host and carry our key there.
    private static void OnHost(Uri baseUri, string endpoint)
    {
        if (!Uri.TryCreate(ImageGenerationHttp.WithTrailingSlash(baseUri), endpoint, out var url) || !string.Equals(url.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase) || endpoint.Contains('?') || endpoint.Contains('#'))
        {
            throw new ArgumentException($"request.Model '{endpoint}' is not a fal endpoint id such as 'fal-ai/flux/dev'.", "request");
        }
    }

    /// <summary>
    /// Reads a job id (a bare <c>request_id</c>, <c>{endpoint}/requests/{request_id}</c>, or a response URL on the queue
    /// host) into the request id, the endpoint it ran on and its queue URL
    /// <c>{queue}/{owner}/{app}/requests/{request_id}</c> (fal-js queue.ts: status, result and cancel use owner/app only).
    /// URLs on any other host are refused, so a forged id cannot carry our key elsewhere.
    /// </summary>
    private (string RequestId, string Endpoint, Uri Url) Resolve(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        string requestId, endpoint;
        string Expected() => $"'{jobId}' is not a fal job id: expected the request id fal returned, '{{endpoint}}/requests/{{request id}}', or a response URL on {_options.Endpoint.GetLeftPart(UriPartial.Authority)}.";
        if (Uri.TryCreate(jobId, UriKind.Absolute, out var url))
        {
            if (url.Scheme != _options.Endpoint.Scheme || !string.Equals(url.Authority, _options.Endpoint.Authority, StringComparison.OrdinalIgnoreCase)
                || url.AbsolutePath.Split("/requests/") is not [var app, var id] || !IsRequestId(id.TrimEnd('/')))
            {
                throw new ArgumentException(Expected(), nameof(jobId));
            }

            requestId = id.TrimEnd('/');
            endpoint = _endpoints.TryGetValue(requestId, out var started) ? started : app.Trim('/');
        }
        else if (jobId.Split("/requests/") is [var qualified, var id])
        {
            if (!IsRequestId(id))
            {
                throw new ArgumentException(Expected(), nameof(jobId));
            }

            OnHost(_options.Endpoint, qualified);
            (requestId, endpoint) = (id, qualified);
        }
        else if (IsRequestId(jobId))
        {
            requestId = jobId;
            endpoint = _endpoints.TryGetValue(jobId, out var started) ? started : Metadata.DefaultModel;
        }
        else
        {
            throw new ArgumentException(Expected(), nameof(jobId));
        }

        string ownerAndApp = string.Join('/', endpoint.Split('/', StringSplitOptions.RemoveEmptyEntries).Take(2));
        return (requestId, endpoint, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), $"{ownerAndApp}/requests/{requestId}"));
    }

    // fal request ids are UUIDs; letters, digits, '-' and '_' keep an id from adding path segments or a query.
    private static bool IsRequestId(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');


    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var message = new HttpRequestMessage(method, uri);
        message.Headers.Authorization = new AuthenticationHeaderValue("Key", _options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        if (method != HttpMethod.Post)
        {
            ImageGenerationResilienceHandler.MarkIdempotent(message);
        }

        return message;
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string? model, CancellationToken cancellationToken)
    {
        using var body = await _transport.ReadBodyAsync(response, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body.Span, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "fal answered with JSON this SDK could not read.", ex) { Provider = ProviderName, Model = model };
        }
    }
}
