using System.Net;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Http;

/// <summary>
/// Downloads the images providers answer with as URLs, at once (their URLs expire): https only, no loopback,
/// private or link-local targets unless allowed, redirects checked hop by hop, a size cap, a timeout, and a check that
/// the body is an image. The bytes land in one exact-size array when the length is known.
/// </summary>
public sealed class ImageDownloader
{
    private readonly HttpClient _httpClient;
    private readonly ImageDownloadOptions _options;
    private readonly string _providerName;

    /// <summary>Creates a downloader over <paramref name="httpClient"/> (its handler should not follow redirects itself).</summary>
    /// <param name="httpClient">The client to download with.</param>
    /// <param name="options">Limits; defaults when null.</param>
    /// <param name="providerName">The provider name for error messages.</param>
    public ImageDownloader(HttpClient httpClient, ImageDownloadOptions? options = null, string providerName = "download")
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
        _options = options ?? new ImageDownloadOptions();
        _providerName = providerName;
    }

    /// <summary>Downloads an image.</summary>
    /// <param name="uri">The provider's image URL.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The bytes and their media type.</returns>
    /// <exception cref="ImageGenerationException">
    /// The URL is refused (scheme or address), the image is gone or expired (404/403/410), too large, not an image, or the
    /// download timed out.
    /// </exception>
    public async Task<DownloadedImage> DownloadAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var current = uri;
        try
        {
            for (int hop = 0; ; hop++)
            {
                EnsureAllowed(current);
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.Accept.ParseAdd("image/*");
                using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hop >= _options.MaxRedirects)
                    {
                        throw Fail(ImageGenerationErrorKind.UnexpectedResponse, $"The image URL redirected more than {_options.MaxRedirects} times.");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    int status = (int)response.StatusCode;
                    var kind = status is 403 or 404 or 410 ? ImageGenerationErrorKind.UnexpectedResponse : ImageGenerationException.KindFromStatusCode(status);
                    string what = status is 403 or 404 or 410 ? "the provider's image URL has expired or is gone" : "the image download failed";
                    throw new ImageGenerationException(kind, $"Downloading an image from {_providerName} ({current.Host}) returned HTTP {status}: {what}.")
                    {
                        Provider = _providerName,
                        StatusCode = status,
                        IsTransient = ImageGenerationException.IsTransientKind(kind),
                    };
                }

                string? declaredType = response.Content.Headers.ContentType?.MediaType;
                if (declaredType is not null && !declaredType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                    && !declaredType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                    && !declaredType.Equals("binary/octet-stream", StringComparison.OrdinalIgnoreCase))
                {
                    throw Fail(ImageGenerationErrorKind.UnexpectedResponse, $"The image URL ({current.Host}) returned content of type '{declaredType}', not an image.");
                }

                byte[] data;
                try
                {
                    data = await PooledBuffer.ReadExactAsync(response.Content, _options.MaxBytes, timeout.Token).ConfigureAwait(false);
                }
                catch (ImageGenerationException ex)
                {
                    throw Fail(ex.Kind, $"Downloading an image from {_providerName} ({current.Host}) failed: {ex.Message}", transient: ex.IsTransient);
                }

                string mediaType = ImageValidator.EnsureImage(data, _providerName, $"the image downloaded from {current.Host}");
                return new DownloadedImage(data, mediaType, current);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(ImageGenerationErrorKind.Timeout, $"Downloading an image from {_providerName} ({current.Host}) took longer than {_options.Timeout.TotalSeconds:0} s.", transient: true);
        }
        catch (HttpRequestException ex)
        {
            throw Fail(ImageGenerationErrorKind.ProviderUnavailable, $"Downloading an image from {_providerName} ({current.Host}) failed: {ex.HttpRequestError}.", transient: true);
        }
        catch (IOException)
        {
            // A connection that breaks mid-body (HttpIOException) is as transient as one never made; no inner exception, it can hold the URL.
            throw Fail(ImageGenerationErrorKind.ProviderUnavailable, $"Downloading an image from {_providerName} ({current.Host}) broke off mid-body.", transient: true);
        }
    }

    /// <summary>Downloads an image from a URL a provider answered with as text (which may be no URL at all).</summary>
    /// <param name="url">The provider's image URL.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The bytes and their media type.</returns>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>: the text is not an absolute URL; otherwise as <see cref="DownloadAsync(Uri, CancellationToken)"/>.</exception>
    public Task<DownloadedImage> DownloadAsync(string url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? DownloadAsync(uri, cancellationToken)
            : Task.FromException<DownloadedImage>(Fail(ImageGenerationErrorKind.UnexpectedResponse, "The provider returned an image URL that is not an absolute URL."));
    }

    /// <summary>
    /// An input image as bytes, for endpoints that take files or base64 only: a URL input is fetched under the same
    /// guards as a result (https, no private addresses, size cap, content check); bytes come back as they are.
    /// </summary>
    /// <param name="input">The caller's input image.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The input with its bytes.</returns>
    /// <exception cref="ImageGenerationException">As <see cref="DownloadAsync(Uri, CancellationToken)"/>.</exception>
    public async Task<ImageInput> ToBytesAsync(ImageInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Uri is not { } uri)
        {
            return input;
        }

        var image = await DownloadAsync(uri, cancellationToken).ConfigureAwait(false);
        return ImageInput.FromBytes(image.Data, image.MediaType);
    }

    /// <summary>
    /// Refuses URLs this downloader must not fetch: not https (unless the host is allowed), credentials in the URL,
    /// or a literal loopback, private, link-local or unspecified address (unless allowed).
    /// </summary>
    /// <param name="uri">The URL.</param>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>: the URL is refused.</exception>
    public void EnsureAllowed(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw Fail(ImageGenerationErrorKind.UnexpectedResponse, "The provider returned a relative image URL.");
        }

        bool hostAllowed = _options.AllowedHosts.Any(h => string.Equals(h, uri.Host, StringComparison.OrdinalIgnoreCase));
        if (uri.Scheme != Uri.UriSchemeHttps && !(hostAllowed && uri.Scheme == Uri.UriSchemeHttp))
        {
            throw Fail(ImageGenerationErrorKind.UnexpectedResponse, $"Refused to download an image over '{uri.Scheme}': only https is allowed (add the host to ImageDownloadOptions.AllowedHosts for a trusted http server).");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Fail(ImageGenerationErrorKind.UnexpectedResponse, "Refused to download an image from a URL that carries credentials.");
        }

        if (hostAllowed || _options.AllowPrivateNetworks)
        {
            return;
        }

        if (uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IsPrivate(address)))
        {
            throw Fail(ImageGenerationErrorKind.UnexpectedResponse, $"Refused to download an image from the local or private address '{uri.Host}' (add it to ImageDownloadOptions.AllowedHosts if it is trusted).");
        }
    }

    /// <summary>
    /// Whether an address is not a public internet host: every range of the IANA IPv4 and IPv6 special-purpose
    /// registries that is not globally reachable (loopback, private-use, link-local including 169.254.169.254, the cloud
    /// metadata service, carrier-grade NAT, benchmarking, documentation, IETF protocol assignments, ...), multicast,
    /// reserved and unallocated space, and IPv6 addresses that carry such an IPv4 address (IPv4-mapped and -translated,
    /// NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>); the local-use NAT64 prefix and Teredo are refused whole.
    /// </summary>
    /// <param name="address">The address.</param>
    public static bool IsPrivate(IPAddress address) => SpecialPurposeAddresses.NonPublicRange(address) is not null;

    /// <summary>
    /// Creates the primary handler for a download client: it checks every resolved address when it connects (so a
    /// public name that resolves to a private address, or a redirect to one, is refused), leaves redirects to the
    /// downloader, and uses no proxy unless <see cref="ImageDownloadOptions.Proxy"/> names one (then it checks each
    /// target host before sending). A refused target fails the request with an <see cref="ImageGenerationException"/>
    /// of kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>.
    /// </summary>
    /// <param name="options">The same options the downloader uses.</param>
    /// <param name="providerName">The provider name for error messages.</param>
    public static HttpMessageHandler CreateGuardedHandler(ImageDownloadOptions options, string providerName = "download") =>
        GuardedDownloadHandler.Create(options, providerName);

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private ImageGenerationException Fail(ImageGenerationErrorKind kind, string message, bool transient = false) =>
        new(kind, message) { Provider = _providerName, IsTransient = transient };
}

/// <summary>A downloaded image.</summary>
/// <param name="Data">The bytes.</param>
/// <param name="MediaType">The media type read from the bytes.</param>
/// <param name="SourceUri">The final URL after redirects.</param>
public sealed record DownloadedImage(byte[] Data, string MediaType, Uri SourceUri);
