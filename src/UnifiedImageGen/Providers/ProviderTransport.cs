using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Providers;

/// <summary>
/// The HTTP plumbing a provider implementation shares: sends a request with headers-first streaming, turns transport
/// failures and non-success answers into <see cref="ImageGenerationException"/>s with secrets removed, reads bodies
/// into pooled buffers and downloads result URLs. One per provider instance.
/// </summary>
public sealed class ProviderTransport
{
    private static readonly HttpRequestOptionsKey<(string Model, int Images)> BillableSubmitKey = new("UnifiedImageGen.BillableSubmit");

    /// <summary>Creates the transport.</summary>
    /// <param name="httpClient">The provider's client (its handler chain is the caller's).</param>
    /// <param name="errorMapper">Maps failed responses; its redactor knows the provider's key.</param>
    /// <param name="downloader">Downloads result URLs.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    public ProviderTransport(HttpClient httpClient, ProviderErrorMapper errorMapper, ImageDownloader downloader, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(errorMapper);
        ArgumentNullException.ThrowIfNull(downloader);
        HttpClient = httpClient;
        ErrorMapper = errorMapper;
        Downloader = downloader;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The provider's client.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>Maps failed responses.</summary>
    public ProviderErrorMapper ErrorMapper { get; }

    /// <summary>Downloads result URLs.</summary>
    public ImageDownloader Downloader { get; }

    /// <summary>The clock for elapsed time, polling and backoff.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The provider name.</summary>
    public string ProviderName => ErrorMapper.ProviderName;

    /// <summary>
    /// Marks <paramref name="request"/> as the billable submit of a call: the request that starts paid work (a
    /// generation, a prediction, a queue submit), not an upload, poll or cancel. Once the provider answers it with a
    /// success status (or the connection breaks after it was sent, when the work may be running and is never resent)
    /// the work counts as accepted, and a cost-tracking layer charges it even if the call then fails (a download 404,
    /// a poll error, a cancellation), because the provider bills it.
    /// </summary>
    /// <param name="request">The submit.</param>
    /// <param name="model">The model id the work is for, as the price catalog names it.</param>
    /// <param name="images">The images the submit asks for.</param>
    public static void MarkBillableSubmit(HttpRequestMessage request, string model, int images)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        request.Options.Set(BillableSubmitKey, (model, images));
    }

    /// <summary>Sends a request and returns a successful response whose body has not been read yet.</summary>
    /// <param name="request">The request (disposed by the caller).</param>
    /// <param name="model">The model, for error messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A response with a success status; the caller disposes it.</returns>
    /// <exception cref="ImageGenerationException">The provider answered with an error, or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpResponseMessage response;
        try
        {
            response = await HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            // Sent, then the connection broke: the work may be running (it is never resent), so it counts as accepted.
            if (ex.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError)
                && request.Options.TryGetValue(BillableSubmitKey, out var sent))
            {
                BillableWork.RecordAccepted(ProviderName, sent.Model, sent.Images);
            }

            // The exception text can hold the URL (Google puts keys in query strings): keep only the error class.
            throw new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"{ProviderName} could not be reached ({ex.HttpRequestError}{(ex.StatusCode is { } s ? ", HTTP " + (int)s : "")}). Retry later or route to another provider.")
            {
                Provider = ProviderName,
                Model = model,
                IsTransient = true,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No inner exception, as above: its text can hold the URL.
            throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, HttpClient.Timeout == Timeout.InfiniteTimeSpan
                ? $"{ProviderName} did not answer before a timeout in the HTTP handler chain canceled the request."
                : $"{ProviderName} did not answer before the HTTP client's timeout ({HttpClient.Timeout.TotalSeconds:0} s). Raise HttpClient.Timeout for slow models.")
            {
                Provider = ProviderName,
                Model = model,
                IsTransient = true,
            };
        }

        if (response.IsSuccessStatusCode)
        {
            if (request.Options.TryGetValue(BillableSubmitKey, out var submit))
            {
                BillableWork.RecordAccepted(ProviderName, submit.Model, submit.Images);
            }

            return response;
        }

        using (response)
        {
            throw await ErrorMapper.CreateExceptionAsync(response, model, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a response body into a pooled buffer, mapping a broken or oversized body to an error.</summary>
    /// <param name="response">The response.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ImageGenerationException">The body broke off or is too large.</exception>
    public async Task<PooledBuffer> ReadBodyAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            return await PooledBuffer.ReadAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw BrokeOff(model: null);
        }
        catch (ImageGenerationException ex) when (ex.Provider is null)
        {
            throw new ImageGenerationException(ex.Kind, $"{ProviderName}: {ex.Message}") { Provider = ProviderName, IsTransient = ex.IsTransient };
        }
    }

    /// <summary>
    /// Reads a response whose body is the image itself (an <c>image/*</c> answer, a file endpoint) into one exact-size
    /// array and checks that the bytes are a whole image (<see cref="ImageValidator"/>).
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="maxBytes">The largest image accepted.</param>
    /// <param name="model">The model, for error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes and the media type read from them.</returns>
    /// <exception cref="ImageGenerationException">
    /// The body broke off (<see cref="ImageGenerationErrorKind.ProviderUnavailable"/>, transient), is too large, or is
    /// not an image (<see cref="ImageGenerationErrorKind.UnexpectedResponse"/>).
    /// </exception>
    public async Task<(byte[] Data, string MediaType)> ReadImageAsync(HttpResponseMessage response, long maxBytes, string? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        byte[] data;
        try
        {
            data = await PooledBuffer.ReadExactAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex) when (ex.Provider is null)
        {
            throw new ImageGenerationException(ex.Kind, $"{ProviderName}: {ex.Message}") { Provider = ProviderName, Model = model, IsTransient = ex.IsTransient };
        }

        return (data, ImageValidator.EnsureImage(data, ProviderName, "the image body", model));
    }

    /// <summary>
    /// Passes on the items of a streamed body (such as server-sent events), mapping a connection that breaks mid-stream
    /// to the same transient <see cref="ImageGenerationErrorKind.ProviderUnavailable"/> error as a broken plain body.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items, read from the response body.</param>
    /// <param name="model">The model, for error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async IAsyncEnumerable<T> ReadStreamAsync<T>(IAsyncEnumerable<T> items, string? model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var enumerator = items.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw BrokeOff(model);
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    // No inner exception: socket errors can carry the URL.
    private ImageGenerationException BrokeOff(string? model) =>
        new(ImageGenerationErrorKind.ProviderUnavailable, $"The response from {ProviderName} broke off while it was read.")
        {
            Provider = ProviderName,
            Model = model,
            IsTransient = true,
        };

    /// <summary>Sends a request and reads its JSON answer with a source-generated type (unreadable JSON is UnexpectedResponse).</summary>
    /// <typeparam name="T">The wire type.</typeparam>
    /// <param name="request">The request (disposed by the caller).</param>
    /// <param name="type">The type's JSON metadata.</param>
    /// <param name="model">The model, for error messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="maxBytes">The largest body accepted; 64 MiB by default.</param>
    /// <exception cref="ImageGenerationException">The provider failed or answered with JSON that does not fit <typeparamref name="T"/>.</exception>
    public async Task<T> SendJsonAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, string? model, CancellationToken cancellationToken, long maxBytes = 64L * 1024 * 1024)
    {
        using var response = await SendAsync(request, model, cancellationToken).ConfigureAwait(false);
        using var body = await ReadBodyAsync(response, maxBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body.Span, type) ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"{ProviderName} answered with JSON this SDK could not read.", ex) { Provider = ProviderName, Model = model };
        }
    }
}
