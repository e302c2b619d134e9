using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.BlackForestLabs;

/// <summary>
/// The Black Forest Labs FLUX API: every generation is submitted (<c>POST /v1/{model}</c>, <c>x-key</c> auth) and then
/// polled on the <c>polling_url</c> the submit returned, which is also the job id (the task may live on a specific
/// cluster, so the URL is never rebuilt). With a webhook BFL answers <c>AsyncWebhookResponse</c> without a polling
/// URL (PROVIDERS.md 13.7): the job id is then the bare task id, the value a delivery names, and it is polled on
/// the spec's <c>GET /v1/get_result?id=</c> of the configured endpoint. <c>progress</c> and <c>preview</c> become updates; the signed
/// <c>result.sample</c> URL is downloaded at once (it expires in minutes); the submit's <c>cost</c> (credits) is the
/// reported cost. Moderated requests and outputs are ContentPolicy errors.
/// </summary>
public sealed class BlackForestLabsImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"bfl"</c>.</summary>
    public const string ProviderName = "bfl";

    private static readonly string[] Reserved = ["prompt", "input_image", "image", "mask", "webhook_url", "webhook_secret"];

    private readonly BlackForestLabsImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

    // Submit answers carry the charge; results do not. Kept per job until its result is built.
    private readonly ConcurrentDictionary<string, decimal> _credits = new(StringComparer.Ordinal);

    // A webhook job's id is the bare task id; should BFL still return a polling_url, in-process polls use it.
    private readonly ConcurrentDictionary<string, Uri> _pollingUrls = new(StringComparer.Ordinal);

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="apiKey">The BFL API key.</param>
    public BlackForestLabsImageGenerator(string apiKey)
        : this(new BlackForestLabsImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="options">The options.</param>
    public BlackForestLabsImageGenerator(BlackForestLabsImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public BlackForestLabsImageGenerator(HttpClient httpClient, BlackForestLabsImageGeneratorOptions options)
        : this(httpClient, options, null, null, owned: false)
    {
    }

    internal BlackForestLabsImageGenerator(HttpClient httpClient, BlackForestLabsImageGeneratorOptions options, ImageDownloader? downloader, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("BlackForestLabsImageGeneratorOptions");

        _options = options;
        (downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader, owned);
        _transport = new ProviderTransport(httpClient, new BlackForestLabsErrorMapper(new SecretRedactor(options.ApiKey, options.WebhookSecret), TimeProvider), downloader, TimeProvider);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? BlackForestLabsModels.FluxPro11, BlackForestLabsModels.All, id => BlackForestLabsModels.Describe(id, BflKind.Flux2));
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var message = Request(HttpMethod.Get, PollingUrl(jobId));
        var result = await _transport.SendJsonAsync(message, BflJsonContext.Default.BflResult, null, cancellationToken, 16L * 1024 * 1024).ConfigureAwait(false);
        return await ToJobAsync(jobId, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>BFL has no cancel endpoint: this returns the job's state; a task that finishes is charged.</summary>
    /// <inheritdoc/>
    public override Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) => GetJobAsync(jobId, cancellationToken);

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
        var descriptor = Metadata.GetModel(model);
        var validation = ImageRequestValidator.Validate(request with { Model = model }, descriptor, _options.UnsupportedSettingBehavior, ProviderName);
        var (typed, json) = ProviderOptionsReader.Read<BlackForestLabsRequestOptions>(request, ProviderName);
        typed ??= new BlackForestLabsRequestOptions();
        var (webhook, secret) = Webhook(typed);
        Redactor.Add(secret); // a per-request webhook secret BFL may echo in an error or a task's details
        var warnings = validation.Warnings.ToList();
        var body = await BuildBodyAsync(BlackForestLabsModels.KindOf(model), model, validation.Request, typed, json, warnings, cancellationToken).ConfigureAwait(false);
        if (webhook is not null)
        {
            body["webhook_url"] = webhook.AbsoluteUri;
            if (secret is not null)
            {
                body["webhook_secret"] = secret;
            }
        }

        using var message = Request(HttpMethod.Post, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), "v1/" + model));
        message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, BflJsonContext.Default.JsonObject));
        message.Content.Headers.ContentType = new("application/json");
        ProviderTransport.MarkBillableSubmit(message, model, validation.Request.Count);
        var submitted = await _transport.SendJsonAsync(message, BflJsonContext.Default.BflSubmitted, model, cancellationToken, 16L * 1024 * 1024).ConfigureAwait(false);

        // The task is accepted (and billed) by now: never throw over a missing field that a valid answer may lack.
        Uri? polling = submitted.PollingUrl is { } returned ? PollingUrl(returned) : null; // refuse a foreign host before our key goes there
        string jobId = (webhook is not null ? submitted.Id : null) ?? polling?.AbsoluteUri ?? submitted.Id
            ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "BFL accepted the request without an id or a polling_url.") { Provider = ProviderName, Model = model };
        if (polling is not null && jobId != polling.AbsoluteUri)
        {
            _pollingUrls[jobId] = polling;
        }

        if (submitted.Cost is { } cost)
        {
            _credits[jobId] = cost;
        }

        return new StartedJob(new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Queued, Model = model, RawRepresentation = submitted }, warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var sample = job.OutputUris.FirstOrDefault() ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The BFL task {job.Id} is Ready without result.sample.") { Provider = ProviderName, ProviderRequestId = job.Id };
        var downloaded = await _transport.Downloader.DownloadAsync(sample, cancellationToken).ConfigureAwait(false);
        var result = job.RawRepresentation as BflResult;
        var size = ImageHeader.TryReadSize(downloaded.Data, out var read) ? read : (ImageSize?)null;
        long? seed = result?.Result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("seed", out var s) && s.TryGetInt64(out long parsed) ? parsed : null;
        string model = job.Model ?? Metadata.DefaultModel;
        _credits.TryRemove(job.Id, out decimal credits);
        _pollingUrls.TryRemove(job.Id, out _);
        var estimate = PriceCatalog.Default.Estimate(ProviderName, model, new ImageGenerationRequest { Model = model, Size = size });
        return new ImageGenerationResult
        {
            Images = [new GeneratedImage { Data = downloaded.Data, MediaType = downloaded.MediaType, Width = size?.Width, Height = size?.Height, Seed = seed, SourceUri = downloaded.SourceUri }],
            Provider = ProviderName,
            Model = model,
            Usage = credits > 0 ? new ImageUsage { Credits = (double)credits } : null,
            Cost = credits > 0
                ? new ImageCost { EstimatedUsd = estimate?.EstimatedUsd ?? credits * 0.01m, ReportedUsd = credits * 0.01m, Basis = $"{credits.ToString(CultureInfo.InvariantCulture)} credits reported by BFL" }
                : estimate,
            ProviderRequestId = result?.Id ?? job.Id,
            RawRepresentation = result,
        };
    }

    private async Task<ImageJob> ToJobAsync(string jobId, BflResult result, CancellationToken cancellationToken)
    {
        var status = result.Status switch
        {
            "Pending" => ImageJobStatus.Running,
            "Ready" => ImageJobStatus.Succeeded,
            "Request Moderated" or "Content Moderated" or "Error" or "Failed" or "Task not found" => ImageJobStatus.Failed,
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"BFL answered with the unknown status '{Redactor.Redact(other)}'.") { Provider = ProviderName, ProviderRequestId = jobId },
        };
        Uri? sample = result.Result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("sample", out var s) && s.ValueKind == JsonValueKind.String && Uri.TryCreate(s.GetString(), UriKind.Absolute, out var url) ? url : null;
        return new ImageJob
        {
            Provider = ProviderName,
            Id = jobId,
            Status = status,
            Progress = status == ImageJobStatus.Succeeded ? 1 : result.Progress is { } p ? Math.Clamp(p > 1 ? p / 100 : p, 0, 1) : null,
            Preview = status == ImageJobStatus.Running ? await PreviewAsync(result.Preview, cancellationToken).ConfigureAwait(false) : null,
            Error = status == ImageJobStatus.Failed ? Failure(jobId, result) : null,
            OutputUris = sample is null ? [] : [sample],
            RawRepresentation = result,
        };
    }

    // The preview's shape is not documented; a sample URL or a base64 image in it is shown, anything else ignored.
    private async Task<GeneratedImage?> PreviewAsync(JsonElement? preview, CancellationToken cancellationToken)
    {
        if (preview is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }

        foreach (var property in value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
        {
            string text = property.Value.GetString()!;
            try
            {
                if (text.StartsWith("data:image", StringComparison.OrdinalIgnoreCase))
                {
                    byte[] data = Base64Image.DecodeDataUri(text, out string type);
                    return new GeneratedImage { Data = data, MediaType = type };
                }

                if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(text, UriKind.Absolute, out var url))
                {
                    var image = await _transport.Downloader.DownloadAsync(url, cancellationToken).ConfigureAwait(false);
                    return new GeneratedImage { Data = image.Data, MediaType = image.MediaType, SourceUri = image.SourceUri };
                }
            }
            catch (ImageGenerationException)
            {
                return null; // a preview that cannot be read is not worth failing the job for
            }
        }

        return null;
    }

    private ImageGenerationException Failure(string jobId, BflResult result)
    {
        string details = result.Details is { ValueKind: JsonValueKind.Object } d ? " " + Redactor.Redact(d.GetRawText()) : "";
        var (kind, text) = result.Status switch
        {
            "Request Moderated" => (ImageGenerationErrorKind.ContentPolicy, "BFL's moderation blocked the request (prompt or input image); change them."),
            "Content Moderated" => (ImageGenerationErrorKind.ContentPolicy, "BFL's moderation blocked the generated image; change the prompt or raise safety_tolerance."),
            "Task not found" => (ImageGenerationErrorKind.ModelNotFound, "BFL does not know this task (expired, or created with another key)."),
            _ => (ImageGenerationErrorKind.ProviderUnavailable, "The BFL task failed."),
        };
        return new ImageGenerationException(kind, text + details) { Provider = ProviderName, ProviderRequestId = result.Id ?? jobId, ProviderErrorCode = Redactor.Redact(result.Status) };
    }

    private async Task<JsonObject> BuildBodyAsync(BflKind kind, string model, ImageGenerationRequest request, BlackForestLabsRequestOptions options, JsonObject? json, List<ImageGenerationWarning> warnings, CancellationToken cancellationToken)
    {
        var behavior = _options.UnsupportedSettingBehavior;
        var body = new JsonObject();
        if (request.Prompt is { } prompt)
        {
            body["prompt"] = prompt;
        }

        body["seed"] = request.Seed;
        body["output_format"] = request.OutputFormat?.Value;
        body["safety_tolerance"] = Clamp("SafetyTolerance", options.SafetyTolerance, 0, kind is BflKind.Flux2 or BflKind.Flux2Flex or BflKind.Flux2Klein ? 5 : 6);

        // Flux2Inputs and Flux2KleinInputs have no prompt_upsampling; Flux2FlexInputs has it (bfl-openapi.json).
        if (options.PromptUpsampling is { } upsampling && kind is BflKind.Flux2 or BflKind.Flux2Klein)
        {
            warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, ProviderName, model, "PromptUpsampling", upsampling ? "true" : "false", "FLUX.2 [pro]/[max]/[klein] take no prompt_upsampling (only flux-2-flex does)"));
        }
        else
        {
            body["prompt_upsampling"] = options.PromptUpsampling;
        }

        var images = request.InputImages;
        switch (kind)
        {
            case BflKind.Pro11 or BflKind.Dev or BflKind.Flux2 or BflKind.Flux2Flex or BflKind.Flux2Klein:
                var size = request.Size;
                body["width"] = size?.Width;
                body["height"] = size?.Height;
                if (kind is not (BflKind.Pro11 or BflKind.Dev))
                {
                    for (int i = 0; i < images.Count; i++)
                    {
                        body[i == 0 ? "input_image" : $"input_image_{i + 1}"] = Encode(images[i]);
                    }
                }

                break;
            case BflKind.Ultra or BflKind.Kontext:
                body["aspect_ratio"] = AspectRatioWithin21x9(request, model, warnings);
                if (kind == BflKind.Ultra)
                {
                    body["raw"] = options.Raw;
                    if (images.Count > 0)
                    {
                        body["image_prompt"] = (await Base64OnlyAsync(images[0], cancellationToken).ConfigureAwait(false)).Base64;
                        body["image_prompt_strength"] = 1 - (request.Strength ?? 0.9);
                    }
                }
                else
                {
                    for (int i = 0; i < images.Count; i++)
                    {
                        body[i == 0 ? "input_image" : $"input_image_{i + 1}"] = Encode(images[i]);
                    }
                }

                break;
            case BflKind.Fill or BflKind.Expand:
                var chosen = kind == BflKind.Expand ? ChosenEdges(options) : null; // checked before anything is downloaded
                var (image, imageSize) = await Base64OnlyAsync(images[0], cancellationToken).ConfigureAwait(false);
                body["image"] = image;
                if (kind == BflKind.Fill)
                {
                    body["mask"] = request.Mask is { } mask ? (await Base64OnlyAsync(mask, cancellationToken).ConfigureAwait(false)).Base64 : null;
                }
                else
                {
                    var (top, bottom, left, right) = chosen ?? GrownEdges(request, imageSize);
                    (body["top"], body["bottom"], body["left"], body["right"]) = (top, bottom, left, right);
                }

                break;
        }

        if (kind is BflKind.Dev or BflKind.Fill or BflKind.Expand or BflKind.Flux2Flex)
        {
            var (minSteps, minGuidance, maxGuidance) = kind switch
            {
                BflKind.Dev => (1, 1.5, 5.0),
                BflKind.Flux2Flex => (1, 1.5, 10.0),
                _ => (15, 1.5, 100.0),
            };
            body["steps"] = Clamp("Steps", request.Steps, minSteps, 50);
            body["guidance"] = request.GuidanceScale is { } g ? ClampGuidance(g, minGuidance, maxGuidance) : null;
        }

        foreach (var extra in new[] { options.Input, json })
        {
            ProviderOptionsReader.Merge(body, extra, ProviderName, Reserved);
        }

        // Leave out what was not set, so BFL applies its own defaults.
        foreach (var empty in body.Where(p => p.Value is null).Select(p => p.Key).ToArray())
        {
            body.Remove(empty);
        }

        return body;

        int? Clamp(string setting, int? value, int min, int max)
        {
            if (value is not { } v || (v >= min && v <= max))
            {
                return value;
            }

            int applied = Math.Clamp(v, min, max);
            warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ProviderName, model, setting, v.ToString(CultureInfo.InvariantCulture), applied.ToString(CultureInfo.InvariantCulture), $"{model} takes {min} to {max}"));
            return applied;
        }

        double ClampGuidance(double value, double min, double max)
        {
            double applied = Math.Clamp(value, min, max);
            if (applied != value)
            {
                warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ProviderName, model, "GuidanceScale", value.ToString(CultureInfo.InvariantCulture), applied.ToString(CultureInfo.InvariantCulture), $"{model} takes {min} to {max}"));
            }

            return applied;
        }
    }

    // FluxProExpandInputs top/bottom/left/right: integer 0-2048 (bfl-openapi.json); refused here rather than billed as a 422.
    private const int MaxEdge = 2048;

    private static (int? Top, int? Bottom, int? Left, int? Right)? ChosenEdges(BlackForestLabsRequestOptions options)
    {
        if (options.Top is null && options.Bottom is null && options.Left is null && options.Right is null)
        {
            return null;
        }

        return (Edge(options.Top, "Top"), Edge(options.Bottom, "Bottom"), Edge(options.Left, "Left"), Edge(options.Right, "Right"));

        static int? Edge(int? value, string name) => value is null or (>= 0 and <= MaxEdge) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"BlackForestLabsRequestOptions.{name} must be 0 to {MaxEdge} pixels (flux-pro-1.0-expand).");
    }

    private static (int? Top, int? Bottom, int? Left, int? Right) GrownEdges(ImageGenerationRequest request, ImageSize? source)
    {
        if (request.Size is not { } target || source is not { } from)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, "flux-pro-1.0-expand needs BlackForestLabsRequestOptions.Top/Bottom/Left/Right (or a request.Size larger than the input image).") { Provider = ProviderName };
        }

        int wide = Math.Max(0, target.Width - from.Width), tall = Math.Max(0, target.Height - from.Height);
        if (tall - (tall / 2) > MaxEdge || wide - (wide / 2) > MaxEdge)
        {
            throw new ArgumentOutOfRangeException(nameof(request.Size), target, $"request.Size grows the {from.Width}x{from.Height} input by more than {MaxEdge} pixels on a side, the most flux-pro-1.0-expand adds; set smaller BlackForestLabsRequestOptions.Top/Bottom/Left/Right.");
        }

        return (tall / 2, tall - (tall / 2), wide / 2, wide - (wide / 2));
    }

    // FluxUltraInput and FluxKontextProInputs: "aspect_ratio ... between 21:9 and 9:21" (bfl-openapi.json). The bounds are
    // sent as the spec writes them (AspectRatio reduces 21:9 to 7:3).
    private string? AspectRatioWithin21x9(ImageGenerationRequest request, string model, List<ImageGenerationWarning> warnings)
    {
        const double Widest = 21.0 / 9, Tallest = 9.0 / 21;
        if ((request.AspectRatio ?? request.Size?.AspectRatio) is not { } requested)
        {
            return null;
        }

        string applied = requested.Value >= Widest ? "21:9" : requested.Value <= Tallest ? "9:21" : requested.ToString();
        if (requested.Value > Widest || requested.Value < Tallest)
        {
            warnings.Add(ImageRequestValidator.ReportAdjusted(_options.UnsupportedSettingBehavior, ProviderName, model, request.AspectRatio is null ? "Size" : "AspectRatio", requested.ToString(), applied, $"{model} takes aspect ratios from 21:9 to 9:21"));
        }

        return applied;
    }

    // Kontext and FLUX.2 take base64 (no data: prefix) or a URL, which BFL fetches itself.
    private static string Encode(ImageInput image) => image.Uri?.AbsoluteUri ?? Convert.ToBase64String(image.Data.Span);

    // Fill image/mask, Expand image and Ultra image_prompt are base64 only (bfl-openapi.json, PROVIDERS.md 13.7): a URL
    // input is fetched through the guarded downloader (no private addresses, size cap) and sent as base64.
    private async Task<(string Base64, ImageSize? Size)> Base64OnlyAsync(ImageInput image, CancellationToken cancellationToken)
    {
        if (image.Uri is not { } url)
        {
            return (Convert.ToBase64String(image.Data.Span), image.Size);
        }

        var downloaded = await _transport.Downloader.DownloadAsync(url, cancellationToken).ConfigureAwait(false);
        return (Convert.ToBase64String(downloaded.Data), ImageHeader.TryReadSize(downloaded.Data, out var size) ? size : null);
    }

    // webhook_url: uri, 1-2083 characters (bfl-openapi.json, every *Inputs schema). Checked before the submit.
    // Knows the key, the configured webhook secret and the per-request webhook secrets sent so far.
    private SecretRedactor Redactor => _transport.ErrorMapper.Redactor;

    private (Uri? Url, string? Secret) Webhook(BlackForestLabsRequestOptions options)
    {
        var url = options.WebhookUrl ?? _options.WebhookUrl;
        if (url is null)
        {
            return options.WebhookSecret is null ? (null, null)
                : throw new ArgumentException("BlackForestLabsRequestOptions.WebhookSecret needs a WebhookUrl (request or generator options).", "WebhookSecret");
        }

        if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("The BFL webhook URL must be an absolute https URL.", "WebhookUrl");
        }

        if (url.AbsoluteUri.Length > MaxWebhookUrlLength)
        {
            throw new ArgumentException($"The BFL webhook URL is {url.AbsoluteUri.Length} characters; BFL takes at most {MaxWebhookUrlLength}.", "WebhookUrl");
        }

        return (url, options.WebhookSecret ?? _options.WebhookSecret);
    }

    internal const int MaxWebhookUrlLength = 2083;

    // A job id is BFL's polling URL, or (webhook jobs) the bare task id, polled with GET /v1/get_result?id= on the
    // configured endpoint (bfl-openapi.json). Only BFL hosts (or the configured endpoint's) are accepted, so a forged id
    // cannot send our key elsewhere.
    private Uri PollingUrl(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (!Uri.TryCreate(jobId, UriKind.Absolute, out var url))
        {
            return _pollingUrls.TryGetValue(jobId, out var known) ? known
                : new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), "v1/get_result?id=" + Uri.EscapeDataString(jobId));
        }

        if (url.Scheme != _options.Endpoint.Scheme
            || !(url.Host.EndsWith(".bfl.ai", StringComparison.OrdinalIgnoreCase) || url.Host.Equals("bfl.ai", StringComparison.OrdinalIgnoreCase) || string.Equals(url.Authority, _options.Endpoint.Authority, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"'{jobId}' is not a BFL job id: expected the polling_url BFL returned (https://api.bfl.ai/v1/get_result?id=...) or a bare task id.", nameof(jobId));
        }

        return url;
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var message = new HttpRequestMessage(method, uri);
        message.Headers.TryAddWithoutValidation("x-key", _options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        return message;
    }

}
