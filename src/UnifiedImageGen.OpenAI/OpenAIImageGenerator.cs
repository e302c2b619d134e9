using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.OpenAI.Wire;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;

namespace UnifiedImageGen.OpenAI;

/// <summary>
/// The OpenAI Images API (and Azure OpenAI and OpenAI-compatible hosts): generations, edits (multipart, or JSON when
/// an input is a URL), variations, and streamed partial images. Images come back as bytes: base64 is decoded from the
/// UTF-8 body without building strings, and DALL-E URLs are downloaded at once. A <c>Count</c> above the model's limit
/// is split into several calls; images of calls that succeeded are kept when another fails.
/// </summary>
public sealed class OpenAIImageGenerator : IImageGenerator, IStreamingImageGenerator, IDisposable
{
    /// <summary>The provider name, <c>"openai"</c>, also the key of <see cref="ImageGenerationRequest.ProviderOptions"/> it reads.</summary>
    public const string ProviderName = "openai";

    private const long MaxResponseBytes = 512L * 1024 * 1024;

    private readonly OpenAIImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

    /// <summary>Creates a generator for api.openai.com with its own HTTP clients (resilience included).</summary>
    /// <param name="apiKey">The OpenAI API key.</param>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is empty.</exception>
    public OpenAIImageGenerator(string apiKey)
        : this(new OpenAIImageGeneratorOptions { ApiKey = Required(apiKey) })
    {
    }

    /// <summary>Creates a generator with its own HTTP clients (resilience included) for the given options.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public OpenAIImageGenerator(OpenAIImageGeneratorOptions options)
        : this(CreateOwnedClient(options), options, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's (the typed-client form).</summary>
    /// <param name="httpClient">The client; give it a long timeout, image calls take minutes.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public OpenAIImageGenerator(HttpClient httpClient, OpenAIImageGeneratorOptions options)
        : this(httpClient, options, owned: false)
    {
    }

    // Result URLs are downloaded through a guarded client of the generator's own, never through httpClient.
    private OpenAIImageGenerator(HttpClient httpClient, OpenAIImageGeneratorOptions options, bool owned)
        : this(httpClient, options, ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader: null, owned))
    {
    }

    private OpenAIImageGenerator(HttpClient httpClient, OpenAIImageGeneratorOptions options, (ImageDownloader Downloader, IDisposable[] Owned) downloads)
        : this(httpClient, options, downloads.Downloader, TimeProvider.System, downloads.Owned)
    {
    }

    internal OpenAIImageGenerator(HttpClient httpClient, OpenAIImageGeneratorOptions options, ImageDownloader downloader, TimeProvider timeProvider, IDisposable[] owned)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("OpenAIImageGeneratorOptions");

        _options = options;
        _owned = owned;
        var mapper = new OpenAIErrorMapper(ProviderName, new SecretRedactor(options.ApiKey), timeProvider);
        _transport = new ProviderTransport(httpClient, mapper, downloader, timeProvider);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? OpenAIModels.GptImage2, OpenAIModels.All, OpenAIModels.Unknown);
    }

    /// <inheritdoc/>
    public ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        var plan = OpenAIRequestPlan.Create(request, Metadata, _options);
        return ImageBatch.RunAsync(plan.Request, plan.Model.MaxImagesPerCall, (part, ct) => SendAsync(plan, part, ct), _transport.TimeProvider, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Streams partial images of a GPT image model (<c>stream: true</c>, <c>partial_images</c> from
    /// <see cref="OpenAIRequestOptions.PartialImages"/>, 2 by default), then the final result. Models that cannot
    /// stream yield a single completed update.
    /// </summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Stops the stream and closes the connection.</param>
    /// <exception cref="ImageGenerationException">OpenAI refused or failed the request, or the stream ended without an image.</exception>
    public async IAsyncEnumerable<ImageGenerationUpdate> GenerateStreamingAsync(ImageGenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var plan = OpenAIRequestPlan.Create(request, Metadata, _options);
        if (!plan.Model.Supports(ImageCapabilities.PartialImages) || plan.Request.Count > plan.Model.MaxImagesPerCall)
        {
            var whole = await GenerateAsync(request, cancellationToken).ConfigureAwait(false);
            yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Completed, Provider = ProviderName, Result = whole };
            yield break;
        }

        long started = _transport.TimeProvider.GetTimestamp();
        using var message = OpenAIHttpRequests.Create(plan, plan.Request, _options, stream: true);
        ProviderTransport.MarkBillableSubmit(message, plan.Model.Id, plan.Request.Count);
        using var response = await _transport.SendAsync(message, plan.Model.Id, cancellationToken).ConfigureAwait(false);
        string? requestId = RequestId(response);
        if (PooledBuffer.IsJsonContent(response.Content))
        {
            // The host ignored stream=true and answered with a plain ImagesResponse.
            var whole = await ReadResultAsync(plan, plan.Request, response, started, cancellationToken).ConfigureAwait(false);
            yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Completed, Provider = ProviderName, Result = whole };
            yield break;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var finals = new List<OpenAIResponse>();
            var parser = SseParser.Create(stream, (eventType, data) => StreamEvent.Parse(eventType, data, plan.Model.Id, requestId));
            await foreach (var item in _transport.ReadStreamAsync(parser.EnumerateAsync(cancellationToken), plan.Model.Id, cancellationToken).ConfigureAwait(false))
            {
                var evt = item.Data;
                if (evt.ErrorBody is { } errorBody)
                {
                    throw _transport.ErrorMapper.CreateException(200, errorBody, response.Headers, null, plan.Model.Id);
                }

                if (evt.Response is not { } body || body.Data.Count == 0)
                {
                    continue;
                }

                if (body.Type?.EndsWith("partial_image", StringComparison.Ordinal) == true)
                {
                    yield return new ImageGenerationUpdate
                    {
                        Kind = ImageGenerationUpdateKind.PartialImage,
                        Provider = ProviderName,
                        PartialImage = ToImage(body.Data[0], downloaded: null),
                        PartialImageIndex = body.PartialImageIndex,
                    };
                }
                else
                {
                    finals.Add(body);
                }
            }

            if (finals.Count == 0)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "The OpenAI stream ended before the final image arrived.")
                {
                    Provider = ProviderName,
                    Model = plan.Model.Id,
                    ProviderRequestId = requestId,
                    IsTransient = true,
                };
            }

            var usage = ImageBatch.Sum(finals.Select(f => f.Usage));
            var costs = finals.Select(f => ReportedCost(plan, f)).Where(c => c is not null).ToArray();
            var last = finals[^1];
            yield return new ImageGenerationUpdate
            {
                Kind = ImageGenerationUpdateKind.Completed,
                Provider = ProviderName,
                Result = BuildResult(plan, plan.Request, finals.SelectMany(f => f.Data).Select(d => ToImage(d, downloaded: null)).ToArray(), usage, costs.Length == 0 ? null : costs.Sum(), requestId, started, Info(last)),
            };
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType == typeof(OpenAIImageGeneratorOptions) ? _options
            : null;
    }

    /// <summary>Disposes the HTTP clients this generator created itself (none when the client was given).</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private static string Required(string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        return apiKey;
    }

    private static HttpClient CreateOwnedClient(OpenAIImageGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var resilience = new ImageGenerationResilienceOptions();
        OpenAIResilience.Configure(resilience);
        return ImageGenerationHttp.CreateClient(ProviderName, resilience);
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;

    private static OpenAIResponseInfo Info(OpenAIResponse body) => new(body.Created, body.Size, body.Quality, body.OutputFormat, body.Background);

    private static GeneratedImage ToImage(OpenAIImageData data, DownloadedImage? downloaded)
    {
        byte[] bytes = downloaded?.Data ?? data.Bytes!;
        var size = ImageHeader.TryReadSize(bytes, out var read) ? read : (ImageSize?)null;
        return new GeneratedImage
        {
            Data = bytes,
            MediaType = downloaded?.MediaType ?? ImageHeader.SniffMediaType(bytes) ?? "image/png",
            Width = size?.Width,
            Height = size?.Height,
            RevisedPrompt = data.RevisedPrompt,
            SourceUri = downloaded?.SourceUri,
        };
    }

    private async Task<ImageGenerationResult> SendAsync(OpenAIRequestPlan plan, ImageGenerationRequest part, CancellationToken cancellationToken)
    {
        long started = _transport.TimeProvider.GetTimestamp();
        using var message = OpenAIHttpRequests.Create(plan, part, _options, stream: false);
        ProviderTransport.MarkBillableSubmit(message, plan.Model.Id, part.Count);
        using var response = await _transport.SendAsync(message, plan.Model.Id, cancellationToken).ConfigureAwait(false);
        return await ReadResultAsync(plan, part, response, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImageGenerationResult> ReadResultAsync(OpenAIRequestPlan plan, ImageGenerationRequest part, HttpResponseMessage response, long started, CancellationToken cancellationToken)
    {
        string? requestId = RequestId(response);
        OpenAIResponse body;
        using (var buffer = await _transport.ReadBodyAsync(response, MaxResponseBytes, cancellationToken).ConfigureAwait(false))
        {
            body = Read(buffer.Span, plan.Model.Id, requestId);
        }

        if (body.Data.Count == 0 || body.Data.Any(d => d.Bytes is null && d.Url is null))
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "OpenAI answered without image data.")
            {
                Provider = ProviderName,
                Model = plan.Model.Id,
                ProviderRequestId = requestId,
            };
        }

        // URL results (DALL-E with response_format=url, compatible hosts) expire: download them all now.
        var images = await Task.WhenAll(body.Data.Select(async data => data.Bytes is not null
            ? ToImage(data, downloaded: null)
            : ToImage(data, await _transport.Downloader.DownloadAsync(data.Url!, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        return BuildResult(plan, part, images, body.Usage, ReportedCost(plan, body), requestId, started, Info(body));
    }

    // Image and text tokens are priced apart, on input and on output (usage.*_tokens_details, openai-openapi ImageGenUsage).
    private decimal? ReportedCost(OpenAIRequestPlan plan, OpenAIResponse body) =>
        body.Usage is { } usage ? _options.Prices.FromUsage(plan.Model.Id, usage, body.OutputImageTokens, body.OutputTextTokens) : null;

    private ImageGenerationResult BuildResult(OpenAIRequestPlan plan, ImageGenerationRequest part, IReadOnlyList<GeneratedImage> images, ImageUsage? usage, decimal? reported, string? requestId, long started, OpenAIResponseInfo info)
    {
        var estimate = _options.Prices.Estimate(plan.Model.Id, part.Count, part.Size, part.Quality, part.Prompt?.Length ?? 0, part.InputImages.Count);
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = plan.Model.Id,
            Warnings = plan.Warnings,
            Usage = usage,
            Cost = estimate is null && reported is null ? null : new ImageCost
            {
                EstimatedUsd = estimate?.EstimatedUsd ?? reported!.Value,
                ReportedUsd = reported,
                Basis = estimate?.Basis ?? $"per token from reported usage, price table {_options.Prices.AsOf}",
            },
            ProviderRequestId = requestId,
            Elapsed = _transport.TimeProvider.GetElapsedTime(started),
            RawRepresentation = info,
        };
    }

    // A body (or streamed event) OpenAI sent that cannot be read, or whose image is broken, is OpenAI's answer: name it.
    private static OpenAIResponse Read(ReadOnlySpan<byte> json, string model, string? requestId)
    {
        try
        {
            return OpenAIResponseReader.Read(json);
        }
        catch (ImageGenerationException ex) when (ex.Provider is null)
        {
            throw new ImageGenerationException(ex.Kind, "OpenAI: " + ex.Message, ex) { Provider = ProviderName, Model = model, ProviderRequestId = requestId };
        }
        catch (JsonException ex)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "OpenAI answered with JSON this SDK could not read.", ex)
            {
                Provider = ProviderName,
                Model = model,
                ProviderRequestId = requestId,
            };
        }
    }

    private readonly record struct StreamEvent(OpenAIResponse? Response, byte[]? ErrorBody)
    {
        public static StreamEvent Parse(string eventType, ReadOnlySpan<byte> data, string model, string? requestId)
        {
            if (data.IsEmpty || data.SequenceEqual("[DONE]"u8))
            {
                return default;
            }

            var response = Read(data, model, requestId);
            bool isError = response.HasError || eventType == "error" || response.Type == "error";
            return isError ? new StreamEvent(null, data.ToArray()) : new StreamEvent(response, null);
        }
    }
}
