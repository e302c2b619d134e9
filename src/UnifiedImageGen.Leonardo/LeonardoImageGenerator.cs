using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Leonardo;

/// <summary>
/// Leonardo.ai: <c>POST /generations</c> creates a generation (its <c>apiCreditCost</c> is the reported cost), then
/// <c>GET /generations/{id}</c> is polled through the shared job engine until <c>COMPLETE</c>; the images are downloaded
/// at once and each one's <c>nsfw</c> flag becomes <see cref="GeneratedImage.ContentFlagged"/>. Models are Leonardo model
/// ids (UUIDs); without one, Leonardo's default model is used.
/// </summary>
public sealed class LeonardoImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"leonardo"</c>.</summary>
    public const string ProviderName = "leonardo";

    /// <summary>The model name that means "Leonardo's default model" (no <c>modelId</c> is sent).</summary>
    public const string DefaultModelName = "default";

    private static readonly string[] Reserved = ["prompt", "modelId", "num_images"];

    private readonly LeonardoImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _credits = new(StringComparer.Ordinal);

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="apiKey">The Leonardo API key.</param>
    public LeonardoImageGenerator(string apiKey)
        : this(new LeonardoImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP clients (resilience included).</summary>
    /// <param name="options">The options.</param>
    public LeonardoImageGenerator(LeonardoImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public LeonardoImageGenerator(HttpClient httpClient, LeonardoImageGeneratorOptions options)
        : this(httpClient, options, null, null, owned: false)
    {
    }

    internal LeonardoImageGenerator(HttpClient httpClient, LeonardoImageGeneratorOptions options, ImageDownloader? downloader, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("LeonardoImageGeneratorOptions");

        _options = options;
        (downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader, owned);
        _transport = new ProviderTransport(httpClient, new LeonardoErrorMapper(new SecretRedactor(options.ApiKey), TimeProvider), downloader, TimeProvider);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? DefaultModelName, [Describe(DefaultModelName)], Describe);
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        using var message = Request(HttpMethod.Get, "generations/" + Uri.EscapeDataString(jobId));
        var answer = await _transport.SendJsonAsync(message, LeonardoJsonContext.Default.GenerationAnswer, null, cancellationToken).ConfigureAwait(false);
        return ToJob(answer.Generation ?? throw new ImageGenerationException(ImageGenerationErrorKind.ModelNotFound, $"Leonardo does not know generation {jobId}.") { Provider = ProviderName, ProviderRequestId = jobId });
    }

    /// <summary>Leonardo has no cancel endpoint: this returns the generation's state; it is charged when created.</summary>
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

    internal static ImageJob ToJob(LeonardoGeneration generation)
    {
        string id = generation.Id ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Leonardo answered with a generation without an id.") { Provider = ProviderName };
        var status = generation.Status switch
        {
            "PENDING" => ImageJobStatus.Running,
            "COMPLETE" => ImageJobStatus.Succeeded,
            "FAILED" => ImageJobStatus.Failed,
            var other => throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Leonardo answered with the unknown status '{other}'.") { Provider = ProviderName, ProviderRequestId = id },
        };
        return new ImageJob
        {
            Provider = ProviderName,
            Id = id,
            Status = status,
            Model = generation.ModelId,
            Progress = status == ImageJobStatus.Succeeded ? 1 : null,
            Error = status == ImageJobStatus.Failed ? new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"The Leonardo generation {id} failed.") { Provider = ProviderName, ProviderRequestId = id } : null,
            OutputUris = generation.Images?.Where(i => i.Url is not null).Select(i => Uri.TryCreate(i.Url, UriKind.Absolute, out var url) ? url : null).OfType<Uri>().ToArray() ?? [],
            RawRepresentation = generation,
        };
    }

    /// <inheritdoc/>
    protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ImageRequestValidator.ValidateArguments(request);
        string model = request.Model ?? Metadata.DefaultModel;
        var validation = ImageRequestValidator.Validate(request with { Model = model }, Metadata.GetModel(model), _options.UnsupportedSettingBehavior, ProviderName);
        var applied = validation.Request;
        var (typed, json) = ProviderOptionsReader.Read<LeonardoRequestOptions>(request, ProviderName);
        typed ??= new LeonardoRequestOptions();
        var body = new JsonObject
        {
            ["prompt"] = applied.Prompt,
            ["num_images"] = applied.Count,
            ["public"] = typed.Public,
        };
        if (model != DefaultModelName)
        {
            body["modelId"] = model;
        }

        var size = applied.Size ?? applied.AspectRatio?.ToSize(1.0, 8);
        if (size is { } s)
        {
            (body["width"], body["height"]) = (s.Width, s.Height);
        }

        if (applied.NegativePrompt is { } negative)
        {
            body["negative_prompt"] = negative;
        }

        if (applied.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        if ((typed.PresetStyle ?? applied.Style?.ToUpperInvariant()) is { } style)
        {
            body["presetStyle"] = style;
        }

        if (typed.Alchemy is { } alchemy)
        {
            body["alchemy"] = alchemy;
        }

        if (applied.GuidanceScale is { } guidance)
        {
            body["guidance_scale"] = guidance;
        }

        if (applied.Steps is { } steps)
        {
            body["num_inference_steps"] = steps;
        }

        ProviderOptionsReader.Merge(body, typed.Fields, ProviderName, Reserved);
        ProviderOptionsReader.Merge(body, json, ProviderName, Reserved);

        using var message = Request(HttpMethod.Post, "generations");
        message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, LeonardoJsonContext.Default.JsonObject));
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var created = await _transport.SendJsonAsync(message, LeonardoJsonContext.Default.CreateAnswer, model, cancellationToken).ConfigureAwait(false);
        string id = created.Job?.GenerationId ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Leonardo accepted the request without a generation id.") { Provider = ProviderName, Model = model };
        if (created.Job.ApiCreditCost is { } credits)
        {
            _credits[id] = credits;
        }

        return new StartedJob(new ImageJob { Provider = ProviderName, Id = id, Status = ImageJobStatus.Queued, Model = model }, validation.Warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var generation = job.RawRepresentation as LeonardoGeneration
            ?? (LeonardoGeneration)(await GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)).RawRepresentation!;
        var entries = generation.Images?.Where(i => i.Url is not null).ToArray() ?? [];
        if (entries.Length == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The Leonardo generation {job.Id} completed without images.") { Provider = ProviderName, ProviderRequestId = job.Id };
        }

        var images = await Task.WhenAll(entries.Select(async entry =>
        {
            var image = await _transport.Downloader.DownloadAsync(entry.Url!, cancellationToken).ConfigureAwait(false);
            var size = ImageHeader.TryReadSize(image.Data, out var read) ? read : (ImageSize?)null;
            return new GeneratedImage
            {
                Data = image.Data,
                MediaType = image.MediaType,
                Width = size?.Width ?? generation.ImageWidth,
                Height = size?.Height ?? generation.ImageHeight,
                Seed = generation.Seed,
                ContentFlagged = entry.Nsfw,
                SourceUri = image.SourceUri,
            };
        })).ConfigureAwait(false);

        _credits.TryRemove(job.Id, out int credits);
        decimal? usd = credits > 0 && _options.UsdPerCredit is { } rate ? credits * rate : null;
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = job.Model ?? generation.ModelId ?? DefaultModelName,
            Usage = credits > 0 ? new ImageUsage { Credits = credits } : null,
            Cost = credits > 0
                ? new ImageCost { EstimatedUsd = usd ?? 0m, ReportedUsd = usd, Basis = string.Create(CultureInfo.InvariantCulture, $"{credits} API credits reported by Leonardo{(usd is null ? " (set UsdPerCredit to price them)" : "")}") }
                : null,
            ProviderRequestId = job.Id,
            RawRepresentation = generation,
        };
    }

    private static ImageModelDescriptor Describe(string id) => new(id, ImageCapabilities.TextToImage | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed | ImageCapabilities.StepsAndGuidance | ImageCapabilities.Webhooks)
    {
        MaxImagesPerCall = 8,
        SizeConstraint = new ImageSizeConstraint(32, 1536, 8),
    };

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var message = new HttpRequestMessage(method, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        return message;
    }

}
