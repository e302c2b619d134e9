using System.Drawing;
using System.Text.Json.Nodes;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;
using Meai = Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="Meai.IImageGenerator"/> seen as a UnifiedImageGen provider, so it can sit in a
/// router, behind the cache and the cost tracker. Requests are validated against the configured descriptors, settings
/// MEAI has no typed member for travel in <c>AdditionalProperties</c>, and every image comes back as bytes: URL
/// results are downloaded at once.
/// </summary>
internal sealed class MicrosoftToUnifiedImageGenerator : IImageGenerator, IDisposable
{
    private readonly Meai.IImageGenerator _inner;
    private readonly bool _ownsInner;
    private readonly string? _defaultModelToSend;
    private readonly UnsupportedSettingBehavior _behavior;
    private readonly Func<Exception, ImageGenerationErrorKind?>? _classifyError;
    private readonly TimeProvider _timeProvider;
    private readonly ImageDownloadOptions _downloadOptions;
    private readonly HttpClient? _downloadClient;
    private readonly object _downloaderLock = new();
    private ImageDownloader? _downloader;
    private HttpClient? _ownedDownloadClient;

    /// <param name="inner">The generator to wrap.</param>
    /// <param name="options">The caller's options; read once, here.</param>
    /// <param name="ownsInner">Whether <see cref="Dispose"/> disposes <paramref name="inner"/>.</param>
    /// <param name="downloadClient">The download client when the options name none (dependency injection's guarded client).</param>
    /// <param name="timeProvider">The clock when the options name none.</param>
    public MicrosoftToUnifiedImageGenerator(
        Meai.IImageGenerator inner,
        MicrosoftImageGeneratorAdapterOptions options,
        bool ownsInner,
        HttpClient? downloadClient = null,
        TimeProvider? timeProvider = null)
    {
        _inner = inner;
        _ownsInner = ownsInner;
        var theirs = inner.GetService(typeof(Meai.ImageGeneratorMetadata)) as Meai.ImageGeneratorMetadata;
        string providerName = FirstNonEmpty(options.ProviderName, theirs?.ProviderName) ?? MicrosoftImageGeneratorAdapterOptions.DefaultProviderName;
        _defaultModelToSend = FirstNonEmpty(options.DefaultModel, theirs?.DefaultModelId);
        string defaultModel = _defaultModelToSend ?? options.Models.FirstOrDefault()?.Id ?? "default";

        // The wrapped generator handles Count itself, so an unlisted model takes any count in one call: a router
        // must not split the batch on its behalf.
        Metadata = new ImageGeneratorMetadata(
            providerName,
            options.Endpoint ?? theirs?.ProviderUri,
            defaultModel,
            options.Models,
            id => ImageModelDescriptor.Permissive(id, ImageRequestValidator.MaxCount));
        _behavior = options.UnsupportedSettingBehavior;
        _classifyError = options.ClassifyError;
        _timeProvider = options.TimeProvider ?? timeProvider ?? TimeProvider.System;
        _downloadOptions = options.Download;
        _downloadClient = options.DownloadHttpClient ?? downloadClient;
    }

    public ImageGeneratorMetadata Metadata { get; }

    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        long started = _timeProvider.GetTimestamp();
        string providerName = Metadata.ProviderName;
        var validation = ImageRequestValidator.Validate(request, Metadata.GetModel(request.Model), _behavior, providerName);
        var applied = validation.Request;
        var (theirRequest, theirOptions) = ToMicrosoftRequest(applied);
        string? requestedModel = theirOptions.ModelId;

        Meai.ImageGenerationResponse response;
        try
        {
            response = await _inner.GenerateAsync(theirRequest, theirOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ImageGenerationException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw MicrosoftErrorMapper.Wrap(ex, providerName, requestedModel, _classifyError);
        }

        var first = response?.Contents.FirstOrDefault(c => c.AdditionalProperties is { Count: > 0 })?.AdditionalProperties;
        string model = Read(first, AdditionalPropertyNames.Model, PropertyValues.GetString) ?? requestedModel ?? Metadata.DefaultModel;
        var images = response is null ? [] : await ToGeneratedImagesAsync(response, providerName, model, cancellationToken).ConfigureAwait(false);
        if (response is null || images.Count == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The Microsoft.Extensions.AI image generator of provider '{providerName}' returned no image content (DataContent, UriContent or ErrorContent).")
            {
                Provider = providerName,
                Model = model,
            };
        }

        var innerWarnings = Read(first, AdditionalPropertyNames.Warnings, PropertyValues.GetStrings) ?? [];
        return new ImageGenerationResult
        {
            Images = images,
            Provider = providerName,
            Model = model,
            Warnings = [.. validation.Warnings, .. innerWarnings.Select(m => new ImageGenerationWarning(ImageGenerationWarningKind.Other, "Provider", m))],
            Usage = ToUsage(response.Usage, first),
            Cost = ToCost(first),
            ProviderRequestId = Read(first, AdditionalPropertyNames.ProviderRequestId, PropertyValues.GetString),
            FromCache = ReadStruct(first, AdditionalPropertyNames.FromCache, PropertyValues.GetBoolean) ?? false,
            Elapsed = _timeProvider.GetElapsedTime(started),
            RawRepresentation = response,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(ImageGeneratorMetadata))
            {
                return Metadata;
            }

            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }
        }

        return _inner.GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
        _ownedDownloadClient?.Dispose();
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    private (Meai.ImageGenerationRequest Request, Meai.ImageGenerationOptions Options) ToMicrosoftRequest(ImageGenerationRequest request)
    {
        string providerName = Metadata.ProviderName;
        var options = StartOptions(request, providerName);
        options.Count = request.Count;
        if (request.Size is { } size)
        {
            options.ImageSize = new Size(size.Width, size.Height);
        }
        else if (request.AspectRatio is { } ratio && options.ImageSize is null)
        {
            // MEAI takes sizes only: ask for the ratio at about a megapixel; fixed-size models pick their nearest.
            var approximate = ratio.ToSize();
            options.ImageSize = new Size(approximate.Width, approximate.Height);
        }

        if (request.OutputFormat is { } format)
        {
            options.MediaType = format.MediaType;
        }

        options.ModelId = request.Model ?? options.ModelId ?? _defaultModelToSend;

        // Our contract is bytes in hand: ask for data, so generators that can choose spare us a download.
        options.ResponseFormat ??= Meai.ImageGenerationResponseFormat.Data;

        var properties = options.AdditionalProperties = options.AdditionalProperties?.Clone() ?? [];
        Set(properties, AdditionalPropertyNames.Seed, request.Seed);
        Set(properties, AdditionalPropertyNames.NegativePrompt, request.NegativePrompt);
        Set(properties, AdditionalPropertyNames.AspectRatio, request.AspectRatio?.ToString());
        Set(properties, AdditionalPropertyNames.Quality, request.Quality?.Value);
        Set(properties, AdditionalPropertyNames.Style, request.Style);
        Set(properties, AdditionalPropertyNames.User, request.User);
        Set(properties, AdditionalPropertyNames.Steps, request.Steps);
        Set(properties, AdditionalPropertyNames.GuidanceScale, request.GuidanceScale);
        Set(properties, AdditionalPropertyNames.Strength, request.Strength);
        Set(properties, AdditionalPropertyNames.Mask, request.Mask is null ? null : ImageContents.ToContent(request.Mask));
        Set(properties, AdditionalPropertyNames.Loras, request.Loras.Count > 0 ? request.Loras.ToArray() : null);

        // MEAI implies the operation from the presence of original images; say it only when that is not enough.
        var implied = request.InputImages.Count > 0 ? ImageOperation.ImageToImage : ImageOperation.Generate;
        Set(properties, AdditionalPropertyNames.Operation, request.Operation == implied ? null : request.Operation.ToString());

        // Options meant for other providers ride along, so a chain of adapters loses nothing.
        var others = request.ProviderOptions?.Where(p => !string.Equals(p.Key, providerName, StringComparison.OrdinalIgnoreCase)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        Set(properties, AdditionalPropertyNames.ProviderOptions, others is { Count: > 0 } ? others : null);
        if (properties.Count == 0)
        {
            options.AdditionalProperties = null;
        }

        var originals = request.InputImages.Count > 0 ? request.InputImages.Select(ImageContents.ToContent).ToArray() : null;
        return (new Meai.ImageGenerationRequest { Prompt = request.Prompt, OriginalImages = originals }, options);
    }

    /// <summary>
    /// This provider's entry of <see cref="ImageGenerationRequest.ProviderOptions"/>: MEAI options to start from, a
    /// raw-representation factory for the wrapped generator, or a <see cref="JsonObject"/> of additional properties.
    /// </summary>
    private static Meai.ImageGenerationOptions StartOptions(ImageGenerationRequest request, string providerName)
    {
        object? entry = request.GetProviderOptions<object>(providerName);
        switch (entry)
        {
            case null:
                return new Meai.ImageGenerationOptions();
            case Meai.ImageGenerationOptions options:
                // Microsoft.Extensions.AI 10.11's Clone leaves StreamingCount behind.
                var copy = options.Clone();
                copy.StreamingCount ??= options.StreamingCount;
                return copy;
            case Func<Meai.IImageGenerator, object?> factory:
                return new Meai.ImageGenerationOptions { RawRepresentationFactory = factory };
            case JsonObject json:
                var properties = new Meai.AdditionalPropertiesDictionary();
                foreach (var (name, node) in json)
                {
                    properties[name] = node?.DeepClone();
                }

                return new Meai.ImageGenerationOptions { AdditionalProperties = properties };
            default:
                throw new ArgumentException(
                    $"request.ProviderOptions[\"{providerName}\"] must be a Microsoft.Extensions.AI ImageGenerationOptions, a Func<IImageGenerator, object?> raw-representation factory or a JsonObject; it is a {entry.GetType().Name}.",
                    nameof(request));
        }
    }

    private async Task<IReadOnlyList<GeneratedImage>> ToGeneratedImagesAsync(Meai.ImageGenerationResponse response, string providerName, string model, CancellationToken cancellationToken)
    {
        var images = new List<GeneratedImage>(response.Contents.Count);
        foreach (var content in response.Contents)
        {
            switch (content)
            {
                case Meai.DataContent data when data.HasTopLevelMediaType("image") || ImageHeader.SniffMediaType(data.Data.Span) is not null:
                    images.Add(FromBytes(data.Data, sourceUri: null, data.AdditionalProperties, providerName, model));
                    break;
                case Meai.UriContent uri:
                    var downloaded = await GetDownloader().DownloadAsync(uri.Uri, cancellationToken).ConfigureAwait(false);
                    images.Add(FromBytes(downloaded.Data, uri.Uri, uri.AdditionalProperties, providerName, model));
                    break;
                case Meai.ErrorContent error:
                    images.Add(new GeneratedImage { Error = MicrosoftErrorMapper.FromErrorContent(error, providerName, model) });
                    break;

                    // Anything else (text notes, hosted file ids this package cannot fetch) is no image.
            }
        }

        return images;
    }

    private static GeneratedImage FromBytes(ReadOnlyMemory<byte> data, Uri? sourceUri, Meai.AdditionalPropertiesDictionary? properties, string providerName, string model)
    {
        string mediaType = ImageHeader.SniffMediaType(data.Span)
            ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The Microsoft.Extensions.AI image generator of provider '{providerName}' returned image content whose bytes are not a known image format.")
            {
                Provider = providerName,
                Model = model,
            };
        bool hasSize = ImageHeader.TryReadSize(data.Span, out var size);
        return new GeneratedImage
        {
            Data = data,
            MediaType = mediaType,
            Width = hasSize ? size.Width : ReadStruct(properties, AdditionalPropertyNames.Width, PropertyValues.GetInt32),
            Height = hasSize ? size.Height : ReadStruct(properties, AdditionalPropertyNames.Height, PropertyValues.GetInt32),
            Seed = ReadStruct(properties, AdditionalPropertyNames.Seed, PropertyValues.GetInt64),
            RevisedPrompt = Read(properties, AdditionalPropertyNames.RevisedPrompt, PropertyValues.GetString),
            ContentFlagged = ReadStruct(properties, AdditionalPropertyNames.ContentFlagged, PropertyValues.GetBoolean),
            SourceUri = sourceUri,
        };
    }

    private ImageDownloader GetDownloader()
    {
        lock (_downloaderLock)
        {
            if (_downloader is null)
            {
                var client = _downloadClient ?? (_ownedDownloadClient = ImageGenerationHttp.CreateDownloadClient(_downloadOptions, Metadata.ProviderName));
                _downloader = new ImageDownloader(client, _downloadOptions, Metadata.ProviderName);
            }

            return _downloader;
        }
    }

    private static ImageUsage? ToUsage(Meai.UsageDetails? usage, Meai.AdditionalPropertiesDictionary? properties)
    {
        long? imageTokens = usage?.AdditionalCounts is { } counts && counts.TryGetValue(AdditionalPropertyNames.InputImageTokens, out long n) ? n : null;
        double? computeSeconds = ReadStruct(properties, AdditionalPropertyNames.ComputeSeconds, PropertyValues.GetDouble);
        double? credits = ReadStruct(properties, AdditionalPropertyNames.Credits, PropertyValues.GetDouble);
        if (usage is null && computeSeconds is null && credits is null)
        {
            return null;
        }

        return new ImageUsage
        {
            InputTokens = usage?.InputTokenCount,
            InputTextTokens = usage?.InputTextTokenCount,
            InputImageTokens = imageTokens,
            OutputTokens = usage?.OutputTokenCount,
            TotalTokens = usage?.TotalTokenCount,
            ComputeSeconds = computeSeconds,
            Credits = credits,
        };
    }

    private static ImageCost? ToCost(Meai.AdditionalPropertiesDictionary? properties) =>
        ReadStruct(properties, AdditionalPropertyNames.CostUsd, PropertyValues.GetDecimal) is { } usd
            ? new ImageCost
            {
                EstimatedUsd = usd,
                ReportedUsd = usd,
                Basis = Read(properties, AdditionalPropertyNames.CostBasis, PropertyValues.GetString) ?? "reported by the Microsoft.Extensions.AI generator",
            }
            : null;

    // The extras of a foreign generator are hints: a malformed one is ignored rather than failing a paid call.
    private static T? Read<T>(Meai.AdditionalPropertiesDictionary? properties, string name, Func<string, object, T> read)
        where T : class
    {
        try
        {
            return PropertyValues.Find(properties, name) is { } value ? read(name, value) : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static T? ReadStruct<T>(Meai.AdditionalPropertiesDictionary? properties, string name, Func<string, object, T> read)
        where T : struct
    {
        try
        {
            return PropertyValues.Find(properties, name) is { } value ? read(name, value) : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static void Set(Meai.AdditionalPropertiesDictionary properties, string name, object? value)
    {
        if (value is not null)
        {
            properties[name] = value;
        }
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first : !string.IsNullOrWhiteSpace(second) ? second : null;
}
