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
/// fal.ai through its queue: submit to <c>https://queue.fal.run/{endpoint}</c>, poll the returned status URL (with
/// logs), fetch the returned response URL, cancel through the returned cancel URL. The job id is the response URL
/// fal returned, so it is never rebuilt from the endpoint id (sub-paths drop out of fal's request paths) and can be
/// persisted and resumed. FLUX schnell, dev, dev image-to-image and flux-lora get the unified request mapped onto their
/// inputs; other endpoints take the prompt plus provider options. Images are downloaded at once.
/// </summary>
public sealed class FalImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"fal"</c>.</summary>
    public const string ProviderName = "fal";

    private const long MaxResponseBytes = 64L * 1024 * 1024;
    private static readonly string[] Reserved = ["prompt"];

    private readonly FalImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

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
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? FalModels.FluxDev, FalModels.All, FalModels.Unknown);
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var responseUrl = QueueUrl(jobId);
        using var message = Request(HttpMethod.Get, new Uri(responseUrl.AbsoluteUri + "/status?logs=1"));
        var status = await _transport.SendJsonAsync(message, FalJsonContext.Default.QueueStatus, null, cancellationToken).ConfigureAwait(false);
        return ToJob(jobId, status, _transport.ErrorMapper.Redactor);
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var responseUrl = QueueUrl(jobId);
        using (var message = Request(HttpMethod.Put, new Uri(responseUrl.AbsoluteUri + "/cancel")))
        {
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
        string endpoint = request.Model ?? Metadata.DefaultModel;
        var descriptor = Metadata.GetModel(endpoint);
        var validation = ImageRequestValidator.Validate(request with { Model = endpoint }, descriptor, _options.UnsupportedSettingBehavior, ProviderName);
        OnHost(_options.Endpoint, endpoint);
        OnHost(_options.SyncEndpoint, endpoint);
        var (typed, json) = ProviderOptionsReader.Read<FalRequestOptions>(request, ProviderName);
        typed ??= new FalRequestOptions();
        var warnings = validation.Warnings.ToList();
        // fal names some shapes (landscape_16_9, ...): a ratio the caller asked for is sent by name when it has one.
        var body = BuildInput(descriptor, validation.Request, request.Size is null ? request.AspectRatio : null, typed, json, warnings);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, FalJsonContext.Default.JsonObject));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        if (!_options.UseQueue)
        {
            using var sync = Request(HttpMethod.Post, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.SyncEndpoint), endpoint));
            sync.Content = content;
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
        submit.Headers.TryAddWithoutValidation("X-Fal-Request-Timeout", ((long)Math.Ceiling(_options.MaxWait.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        if (typed.QueuePriority is { } priority)
        {
            submit.Headers.TryAddWithoutValidation("X-Fal-Queue-Priority", priority);
        }

        var submitted = await _transport.SendJsonAsync(submit, FalJsonContext.Default.QueueSubmitted, endpoint, cancellationToken).ConfigureAwait(false);
        if (submitted.ResponseUrl is null || submitted.RequestId is null)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "fal accepted the request but returned no request id or response URL.") { Provider = ProviderName, Model = endpoint };
        }

        QueueUrl(submitted.ResponseUrl); // refuse a response URL on another host before we ever send our key there
        var job = new ImageJob { Provider = ProviderName, Id = submitted.ResponseUrl, Status = ImageJobStatus.Queued, Model = endpoint, QueuePosition = submitted.QueuePosition, RawRepresentation = submitted };
        return new StartedJob(job, warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var output = job.RawRepresentation as FluxOutput;
        if (output is null)
        {
            using var message = Request(HttpMethod.Get, QueueUrl(job.Id));
            output = await _transport.SendJsonAsync(message, FalJsonContext.Default.FluxOutput, job.Model, cancellationToken).ConfigureAwait(false);
        }

        // A job resumed by id knows only the owner/alias part of its endpoint, from the URL.
        string model = job.Model ?? QueueUrl(job.Id).AbsolutePath.Split("/requests/")[0].Trim('/');
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
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"fal answered with the unknown queue status '{other}'.") { Provider = ProviderName, ProviderRequestId = jobId },
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

    private JsonObject BuildInput(ImageModelDescriptor model, ImageGenerationRequest request, AspectRatio? requestedRatio, FalRequestOptions options, JsonObject? json, List<ImageGenerationWarning> warnings)
    {
        var behavior = _options.UnsupportedSettingBehavior;
        var input = new JsonObject();
        if (request.Prompt is { } prompt)
        {
            input["prompt"] = prompt;
        }

        if (!FalModels.IsMapped(model.Id))
        {
            const string Hint = "this endpoint's inputs are not mapped: pass them in FalRequestOptions.Input";
            foreach (var (setting, value) in new (string, object?)[] { ("Seed", request.Seed), ("Size", request.Size), ("AspectRatio", request.AspectRatio), ("NegativePrompt", request.NegativePrompt), ("Steps", request.Steps), ("GuidanceScale", request.GuidanceScale), ("OutputFormat", request.OutputFormat), ("Strength", request.Strength) })
            {
                if (value is not null)
                {
                    warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, ProviderName, model.Id, setting, Convert.ToString(value, CultureInfo.InvariantCulture)!, Hint));
                }
            }
        }
        else
        {
            string? named = FalModels.NamedSizes.Where(n => n.Size == request.Size || (requestedRatio is { } ratio && n.Size.AspectRatio == ratio)).Select(n => n.Name).FirstOrDefault();
            if (named is not null)
            {
                input["image_size"] = named;
            }
            else if (request.Size is { } size)
            {
                input["image_size"] = new JsonObject { ["width"] = size.Width, ["height"] = size.Height };
            }

            input["num_images"] = request.Count;
            if (request.Seed is { } seed)
            {
                input["seed"] = seed;
            }

            if (request.Steps is { } steps)
            {
                int max = FalModels.MaxSteps(model.Id);
                int applied = Math.Clamp(steps, 1, max);
                if (applied != steps)
                {
                    warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ProviderName, model.Id, "Steps", steps.ToString(CultureInfo.InvariantCulture), applied.ToString(CultureInfo.InvariantCulture), $"{model.Id} takes 1 to {max} steps"));
                }

                input["num_inference_steps"] = applied;
            }

            if (request.GuidanceScale is { } guidance)
            {
                input["guidance_scale"] = guidance;
            }

            if (request.OutputFormat is { } format)
            {
                input["output_format"] = format.Value;
            }

            if (request.Operation == ImageOperation.ImageToImage)
            {
                var image = request.InputImages[0];
                input["image_url"] = image.Uri?.AbsoluteUri ?? $"data:{image.MediaType};base64,{Convert.ToBase64String(image.Data.Span)}";
                input["strength"] = request.Strength ?? 0.95;
            }

            if (request.Loras.Count > 0)
            {
                input["loras"] = new JsonArray(request.Loras.Select(l => (JsonNode)new JsonObject { ["path"] = l.Path, ["scale"] = l.Scale }).ToArray());
            }

            if (options.EnableSafetyChecker is { } checker)
            {
                input["enable_safety_checker"] = checker;
            }

            if (options.Acceleration is { } acceleration)
            {
                input["acceleration"] = acceleration;
            }
        }

        ProviderOptionsReader.Merge(input, options.Input, ProviderName, Reserved);
        ProviderOptionsReader.Merge(input, json, ProviderName, Reserved);
        return input;
    }

    // An endpoint id such as "https://evil.example/x" or "//evil.example/x" would resolve to another host and carry our key there.
    private static void OnHost(Uri baseUri, string endpoint)
    {
        if (!Uri.TryCreate(ImageGenerationHttp.WithTrailingSlash(baseUri), endpoint, out var url) || !string.Equals(url.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase) || endpoint.Contains('?') || endpoint.Contains('#'))
        {
            throw new ArgumentException($"request.Model '{endpoint}' is not a fal endpoint id such as 'fal-ai/flux/dev'.", "request");
        }
    }

    // A job id is fal's response URL. Only URLs on the queue host are accepted, so a forged id cannot send our key elsewhere.
    private Uri QueueUrl(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (!Uri.TryCreate(jobId, UriKind.Absolute, out var url) || url.Scheme != _options.Endpoint.Scheme
            || !string.Equals(url.Authority, _options.Endpoint.Authority, StringComparison.OrdinalIgnoreCase) || !url.AbsolutePath.Contains("/requests/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{jobId}' is not a fal job id: expected the response URL fal returned ({_options.Endpoint.GetLeftPart(UriPartial.Authority)}/.../requests/<id>).", nameof(jobId));
        }

        return new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }


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
