using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Replicate.Wire;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Replicate;

/// <summary>
/// Replicate predictions for any model: official models by <c>owner/name</c>, versions (<c>owner/name:version</c> or a
/// 64-hex version id), deployments (<c>deployments/owner/name</c>). FLUX schnell, dev, 1.1-pro and the LoRA variants
/// get the unified request mapped onto their inputs, as do FLUX 1.1 pro ultra, Kontext pro/max and FLUX.2 pro/dev; other
/// models take the prompt plus provider options. The create call asks to wait (<c>Prefer: wait</c>); a caller who blocks
/// on the result also gets a server-side deadline (<c>Cancel-After</c>), a job started for later collection does not.
/// Unfinished predictions are polled; outputs (URLs, <c>data:</c> URIs, or objects carrying them) are downloaded at once,
/// since Replicate deletes them after an hour.
/// </summary>
public sealed class ReplicateImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"replicate"</c>.</summary>
    public const string ProviderName = "replicate";

    private const long MaxResponseBytes = 64L * 1024 * 1024;

    private static readonly TimeSpan LookupClockSlack = TimeSpan.FromSeconds(30);

    private readonly ReplicateImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="apiKey">The Replicate API token.</param>
    public ReplicateImageGenerator(string apiKey)
        : this(new ReplicateImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="options">The options.</param>
    public ReplicateImageGenerator(ReplicateImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public ReplicateImageGenerator(HttpClient httpClient, ReplicateImageGeneratorOptions options)
        : this(httpClient, options, null, null, owned: false)
    {
    }

    internal ReplicateImageGenerator(HttpClient httpClient, ReplicateImageGeneratorOptions options, ImageDownloader? downloader, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("ReplicateImageGeneratorOptions");

        _options = options;
        (downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader, owned);
        _transport = new ProviderTransport(httpClient, new ReplicateErrorMapper(new SecretRedactor(options.ApiKey), TimeProvider), downloader, TimeProvider);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? ReplicateModels.FluxSchnell, ReplicateModels.All, ReplicateModels.Unknown);
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        using var message = Request(HttpMethod.Get, "predictions/" + Uri.EscapeDataString(jobId));
        return ToJob(await SendForPredictionAsync(message, jobId, cancellationToken).ConfigureAwait(false), _transport.ErrorMapper.Redactor);
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        using var message = Request(HttpMethod.Post, "predictions/" + Uri.EscapeDataString(jobId) + "/cancel");
        ImageGenerationResilienceHandler.MarkIdempotent(message); // cancelling twice is harmless
        return ToJob(await SendForPredictionAsync(message, jobId, cancellationToken).ConfigureAwait(false), _transport.ErrorMapper.Redactor);
    }

    /// <summary>
    /// Reads the account's webhook signing secret, <c>GET /v1/webhooks/default/secret</c> (PROVIDERS.md 3.4, 13.5), to
    /// build a <see cref="ReplicateWebhookVerifier"/>. The secret is never logged; keep it as you keep the API token.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret, <c>whsec_</c> followed by the base64 key.</returns>
    public async Task<string> GetWebhookSigningSecretAsync(CancellationToken cancellationToken = default)
    {
        using var message = Request(HttpMethod.Get, "webhooks/default/secret");
        var secret = await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.WebhookSecret, null, cancellationToken).ConfigureAwait(false);
        if (secret.Key is { Length: > 0 } key && key.StartsWith("whsec_", StringComparison.Ordinal))
        {
            // From now on an error body or header that echoes the signing secret (in any encoding) is redacted too.
            _transport.ErrorMapper.Redactor.Add(key);
            _transport.ErrorMapper.Redactor.Add(key["whsec_".Length..]);
            return key;
        }

        throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Replicate answered GET /v1/webhooks/default/secret without a whsec_ key.") { Provider = ProviderName };
    }

    /// <summary>Disposes the HTTP clients this generator created itself.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    internal static ImageJob ToJob(Prediction prediction, SecretRedactor redactor)
    {
        string id = prediction.Id ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Replicate answered with a prediction without an id.") { Provider = ProviderName };
        var status = prediction.Status switch
        {
            "starting" => ImageJobStatus.Queued,
            "processing" => ImageJobStatus.Running,
            "succeeded" => ImageJobStatus.Succeeded,
            "failed" => ImageJobStatus.Failed,
            "canceled" or "aborted" => ImageJobStatus.Canceled,
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Replicate answered with the unknown prediction status '{other}'.") { Provider = ProviderName, ProviderRequestId = id },
        };
        var logs = prediction.Logs?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return new ImageJob
        {
            Provider = ProviderName,
            Id = id,
            Status = status,
            Model = prediction.Model,
            Logs = logs,
            Progress = status == ImageJobStatus.Succeeded ? 1 : LogProgress.Parse(prediction.Logs),
            Error = status == ImageJobStatus.Failed ? ReplicateErrorMapper.ModelFailure(ErrorText(prediction.Error), prediction.Model, id, redactor) : null,
            OutputUris = Outputs(prediction.Output, strict: false).Where(o => o.Uri is not null).Select(o => o.Uri!).ToArray(),
            CreatedAt = prediction.CreatedAt,
            CompletedAt = prediction.CompletedAt,
            RawRepresentation = prediction,
        };
    }

    /// <inheritdoc/>
    protected override Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken) =>
        StartJobAsync(request, callerWaits: false, cancellationToken);

    /// <inheritdoc/>
    protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, bool callerWaits, CancellationToken cancellationToken)
    {
        ImageRequestValidator.ValidateArguments(request);
        string modelId = request.Model ?? Metadata.DefaultModel;
        var descriptor = Metadata.GetModel(modelId);
        var validation = ImageRequestValidator.Validate(request with { Model = modelId }, descriptor, _options.UnsupportedSettingBehavior, ProviderName);
        var (typed, json) = ProviderOptionsReader.Read<ReplicateRequestOptions>(request, ProviderName);
        var warnings = validation.Warnings.ToList();
        var input = ReplicateInputs.Build(descriptor, validation.Request, typed ?? new ReplicateRequestOptions(), json, warnings, _options.UnsupportedSettingBehavior);

        var (path, version) = Target(modelId);
        var webhook = typed?.WebhookUrl ?? _options.WebhookUrl;
        RequireHttps(webhook, typed?.WebhookUrl is not null ? "ReplicateRequestOptions.WebhookUrl" : "ReplicateImageGeneratorOptions.WebhookUrl");
        var body = new CreatePredictionBody
        {
            Version = version,
            Input = input,
            Webhook = webhook?.AbsoluteUri,
            WebhookEventsFilter = webhook is not null && _options.WebhookEvents.Count > 0 ? _options.WebhookEvents : null,
        };
        using var message = Request(HttpMethod.Post, path);
        message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ReplicateJsonContext.Default.CreatePredictionBody));
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        bool held = _options.PreferWaitSeconds > 0;
        if (held)
        {
            message.Headers.TryAddWithoutValidation("Prefer", string.Create(CultureInfo.InvariantCulture, $"wait={_options.PreferWaitSeconds}"));

            // PROVIDERS.md 13.5: a gateway error on a held create may come after the prediction exists; a resend would bill twice.
            ImageGenerationResilienceHandler.MarkBillableOnceSent(message);
        }

        if (callerWaits)
        {
            // Only for a caller who blocks (PROVIDERS.md 3.2, 13.5): an abandoned prediction stops costing even if our
            // cancel never arrives. A job started for a webhook or a later WaitForCompletionAsync must outlive MaxWait.
            message.Headers.TryAddWithoutValidation("Cancel-After", string.Create(CultureInfo.InvariantCulture, $"{Math.Max(5, (long)Math.Ceiling(_options.MaxWait.TotalSeconds))}s"));
        }

        ProviderTransport.MarkBillableSubmit(message, modelId, request.Count);
        var submitted = TimeProvider.GetUtcNow();
        Prediction prediction;
        try
        {
            prediction = await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.Prediction, modelId, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex) when (held && ex.StatusCode is 502 or 503 or 504)
        {
            prediction = await FindSubmittedAsync(modelId, path, version, input, submitted, ex, cancellationToken).ConfigureAwait(false);
        }

        var job = ToJob(prediction, _transport.ErrorMapper.Redactor);
        return new StartedJob(job with { Model = job.Model ?? modelId }, warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var prediction = job.RawRepresentation as Prediction ?? (Prediction)(await GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)).RawRepresentation!;
        var outputs = Outputs(prediction.Output, strict: true).ToArray();
        if (outputs.Length == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, prediction.DataRemoved == true
                ? $"The outputs of Replicate prediction {job.Id} were already deleted (Replicate keeps API outputs for one hour)."
                : $"Replicate prediction {job.Id} succeeded without image outputs.")
            {
                Provider = ProviderName,
                Model = prediction.Model,
                ProviderRequestId = job.Id,
            };
        }

        var images = await Task.WhenAll(outputs.Select(async output =>
        {
            var (data, mediaType, source) = output.Data is not null
                ? (output.Data, output.MediaType!, (Uri?)null)
                : await Download(output.Uri!, cancellationToken).ConfigureAwait(false);
            var size = ImageHeader.TryReadSize(data, out var read) ? read : (ImageSize?)null;
            return new GeneratedImage { Data = data, MediaType = mediaType, Width = size?.Width, Height = size?.Height, SourceUri = source };
        })).ConfigureAwait(false);

        string model = prediction.Model ?? job.Model ?? Metadata.DefaultModel;
        var request = new ImageGenerationRequest { Model = model, Count = images.Length };
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = model,
            Usage = prediction.Metrics?.PredictTime is { } seconds ? new ImageUsage { ComputeSeconds = seconds } : null,
            Cost = PriceCatalog.Default.Estimate(ProviderName, model, request),
            ProviderRequestId = job.Id,
            RawRepresentation = prediction,
        };
    }

    private static (string Path, string? Version) Target(string model)
    {
        if (model.StartsWith("deployments/", StringComparison.OrdinalIgnoreCase))
        {
            return (model + "/predictions", null);
        }

        int colon = model.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            return ("predictions", model[(colon + 1)..]);
        }

        return model.Length == 64 && model.All(char.IsAsciiHexDigit) ? ("predictions", model) : ($"models/{model}/predictions", null);
    }

    private static string? ErrorText(JsonElement? error) => error switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } or null => null,
        { } e => e.GetRawText(),
    };

    // Image models answer a URL string or a list of them (PROVIDERS.md 3.3); some wrap each file in an object
    // ({"url": ...} or {"image": ...}). Strict (reading a result) refuses other shapes clearly; lenient (a status) skips them.
    private static IEnumerable<(Uri? Uri, byte[]? Data, string? MediaType)> Outputs(JsonElement? output, bool strict)
    {
        if (output is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            yield break;
        }

        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        foreach (var item in items)
        {
            string? text = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object => FileProperty(item, "url") ?? FileProperty(item, "image"),
                _ => null,
            };
            if (text is not null)
            {
                yield return Output(text);
            }
            else if (strict)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Replicate returned an output of a shape this SDK does not read (a JSON {item.ValueKind.ToString().ToLowerInvariant()} without a \"url\" or \"image\" string); read it from the job's RawRepresentation.") { Provider = ProviderName };
            }
        }
    }

    private static string? FileProperty(JsonElement item, string name) =>
        item.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static (Uri? Uri, byte[]? Data, string? MediaType) Output(string text)
    {
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            byte[] data = Base64Image.DecodeDataUri(text, out string mediaType);
            return (null, data, ImageHeader.SniffMediaType(data) ?? mediaType);
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? (uri, null, null)
            : throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Replicate returned an output that is neither a URL nor a data: URI.") { Provider = ProviderName };
    }

    // A 404 on a prediction's own URL is about the id (unknown, another account's, or expired), not the model: the same
    // kind StabilityAI gives an unknown result id. A 404 on create still means the model (ModelNotFound).
    private async Task<Prediction> SendForPredictionAsync(HttpRequestMessage message, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.Prediction, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex) when (ex.StatusCode == 404)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, $"Replicate has no prediction '{jobId}': the id is unknown, belongs to another account, or has expired.", ex)
            {
                Provider = ProviderName,
                StatusCode = 404,
                ProviderErrorCode = ex.ProviderErrorCode,
                ProviderRequestId = ex.ProviderRequestId,
            };
        }
    }

    // After a gateway error on a held create, the prediction may exist. Look for it in GET /v1/predictions
    // (created_after filter, most recent first; PROVIDERS.md 3.2): same model/version/deployment and the identical input.
    // The window opens a little before the submit, as our clock and Replicate's may differ.
    private async Task<Prediction> FindSubmittedAsync(string modelId, string path, string? version, JsonObject input, DateTimeOffset submitted, ImageGenerationException gatewayError, CancellationToken cancellationToken)
    {
        string after = (submitted - LookupClockSlack).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string? deployment = path.StartsWith("deployments/", StringComparison.OrdinalIgnoreCase) ? path["deployments/".Length..^"/predictions".Length] : null;
        try
        {
            using var message = Request(HttpMethod.Get, "predictions?created_after=" + Uri.EscapeDataString(after));
            var page = await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.PredictionPage, null, cancellationToken).ConfigureAwait(false);
            var found = page.Results.FirstOrDefault(p =>
                (version is not null ? p.Version == version
                    : deployment is not null ? string.Equals(p.Deployment, deployment, StringComparison.OrdinalIgnoreCase)
                    : string.Equals(p.Model, modelId, StringComparison.OrdinalIgnoreCase))
                && p.Input is { ValueKind: JsonValueKind.Object } sent && JsonNode.DeepEquals(JsonNode.Parse(sent.GetRawText()), input));
            if (found is not null)
            {
                return found;
            }
        }
        catch (ImageGenerationException)
        {
            // The lookup failed too; the error below still says what to check.
        }

        throw new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"Replicate answered HTTP {gatewayError.StatusCode} to a create held open by Prefer: wait, and no matching prediction created since {after} was found. The prediction may still exist and be running (and billing): check GET /v1/predictions or the dashboard before sending it again, or set PreferWaitSeconds to 0 so creates return at once.", gatewayError)
        {
            Provider = ProviderName,
            Model = modelId,
            StatusCode = gatewayError.StatusCode,
            ProviderRequestId = gatewayError.ProviderRequestId,
        };
    }

    // PROVIDERS.md 3.4: Replicate calls the webhook over HTTPS. A plain-http loopback URL is accepted only when the
    // endpoint is itself on loopback (a local emulator), since api.replicate.com could never reach it.
    private void RequireHttps(Uri? webhook, string parameter)
    {
        if (webhook is null)
        {
            return;
        }

        bool https = webhook.IsAbsoluteUri && webhook.Scheme == Uri.UriSchemeHttps;
        bool localTest = webhook.IsAbsoluteUri && webhook.Scheme == Uri.UriSchemeHttp && webhook.IsLoopback && _options.Endpoint.IsLoopback;
        if (!https && !localTest)
        {
            throw new ArgumentException($"{parameter} must be an absolute https URL (Replicate delivers webhooks over HTTPS); it was '{(webhook.IsAbsoluteUri ? webhook.Scheme + "://" + webhook.Host : "a relative URL")}'.", parameter);
        }
    }

    private async Task<(byte[] Data, string MediaType, Uri? Source)> Download(Uri uri, CancellationToken cancellationToken)
    {
        var image = await _transport.Downloader.DownloadAsync(uri, cancellationToken).ConfigureAwait(false);
        return (image.Data, image.MediaType, image.SourceUri);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var message = new HttpRequestMessage(method, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        return message;
    }
}
