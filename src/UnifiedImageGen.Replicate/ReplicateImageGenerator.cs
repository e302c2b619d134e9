using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
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
/// get the unified request mapped onto their inputs; other models take the prompt plus provider options. The create
/// call asks to wait (<c>Prefer: wait</c>) and sets a server-side deadline (<c>Cancel-After</c>); unfinished predictions
/// are polled; outputs (URLs or <c>data:</c> URIs) are downloaded at once, since Replicate deletes them after an hour.
/// </summary>
public sealed class ReplicateImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"replicate"</c>.</summary>
    public const string ProviderName = "replicate";

    private const long MaxResponseBytes = 64L * 1024 * 1024;

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
        return ToJob(await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.Prediction, null, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        using var message = Request(HttpMethod.Post, "predictions/" + Uri.EscapeDataString(jobId) + "/cancel");
        ImageGenerationResilienceHandler.MarkIdempotent(message); // cancelling twice is harmless
        return ToJob(await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.Prediction, null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Disposes the HTTP clients this generator created itself.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    internal static ImageJob ToJob(Prediction prediction)
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
            Error = status == ImageJobStatus.Failed ? ReplicateErrorMapper.ModelFailure(ErrorText(prediction.Error), prediction.Model, id) : null,
            OutputUris = Outputs(prediction.Output).Where(o => o.Uri is not null).Select(o => o.Uri!).ToArray(),
            CreatedAt = prediction.CreatedAt,
            CompletedAt = prediction.CompletedAt,
            RawRepresentation = prediction,
        };
    }

    /// <inheritdoc/>
    protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
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
        if (_options.PreferWaitSeconds > 0)
        {
            message.Headers.TryAddWithoutValidation("Prefer", string.Create(CultureInfo.InvariantCulture, $"wait={_options.PreferWaitSeconds}"));
        }

        // A server-side deadline too, so an abandoned prediction stops costing even if our cancel never arrives.
        message.Headers.TryAddWithoutValidation("Cancel-After", string.Create(CultureInfo.InvariantCulture, $"{Math.Max(5, (long)Math.Ceiling(_options.MaxWait.TotalSeconds))}s"));
        var job = ToJob(await _transport.SendJsonAsync(message, ReplicateJsonContext.Default.Prediction, modelId, cancellationToken).ConfigureAwait(false));
        return new StartedJob(job with { Model = job.Model ?? modelId }, warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var prediction = job.RawRepresentation as Prediction ?? (Prediction)(await GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)).RawRepresentation!;
        var outputs = Outputs(prediction.Output).ToArray();
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

    private static IEnumerable<(Uri? Uri, byte[]? Data, string? MediaType)> Outputs(JsonElement? output)
    {
        if (output is not { } value)
        {
            yield break;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            yield return Output(value.GetString()!);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String))
            {
                yield return Output(item.GetString()!);
            }
        }
    }

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
