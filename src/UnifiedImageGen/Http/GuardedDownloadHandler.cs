using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace UnifiedImageGen.Http;

/// <summary>
/// The handler chain of a download client: every connection is checked against <see cref="SpecialPurposeAddresses"/>
/// when it is made (after name resolution, so a public name that resolves to a private address is refused), redirects
/// are left to <see cref="ImageDownloader"/> (which checks each hop), and no proxy is used unless
/// <see cref="ImageDownloadOptions.Proxy"/> names one: a proxy from the environment (<c>HTTPS_PROXY</c>) would make the
/// connection check see only the proxy.
/// </summary>
internal sealed class GuardedDownloadHandler : DelegatingHandler
{
    private readonly ImageDownloadOptions _options;
    private readonly string _providerName;
    private readonly Uri? _proxy;

    private GuardedDownloadHandler(ImageDownloadOptions options, string providerName)
    {
        _options = options;
        _providerName = providerName;
        _proxy = options.Proxy;
        InnerHandler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            UseProxy = _proxy is not null,
            Proxy = _proxy is null ? null : CreateProxy(_proxy),
            ConnectCallback = ConnectAsync,
        };
    }

    public static HttpMessageHandler Create(ImageDownloadOptions options, string providerName)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new GuardedDownloadHandler(options, providerName);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_proxy is not null && request.RequestUri is { IsAbsoluteUri: true } target && !IsTrusted(target.IdnHost))
        {
            // The proxy connects to the target, so the connection check below sees only the proxy: check the target here,
            // refusing it if any of its addresses is not public (the proxy picks one). The limit: the proxy resolves the
            // name again, and a DNS answer that changes in between (rebinding) is not seen; a proxy that itself refuses
            // private destinations closes that gap.
            IPAddress[] addresses;
            try
            {
                addresses = await ResolveAsync(target.IdnHost, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new HttpRequestException(HttpRequestError.NameResolutionError, $"The image host could not be resolved ({ex.SocketErrorCode}).", ex);
            }

            if (addresses.Length == 0)
            {
                throw Refused(target.IdnHost, "through the proxy: it resolves to no address here, so it cannot be checked");
            }

            if (addresses.FirstOrDefault(a => SpecialPurposeAddresses.NonPublicRange(a) is not null) is { } blocked)
            {
                throw Refused(target.IdnHost, $"through the proxy: it resolves to a local or private address ({Describe(blocked)})");
            }
        }

        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is ImageGenerationException refused)
        {
            // SocketsHttpHandler wraps what the connect callback throws; the refusal is the answer.
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        // A connection to the configured proxy is the caller's explicit choice (a corporate proxy often has a private
        // address); its targets were checked in SendAsync.
        bool toProxy = _proxy is not null && string.Equals(endpoint.Host, _proxy.IdnHost, StringComparison.OrdinalIgnoreCase) && endpoint.Port == _proxy.Port;
        var allowed = toProxy || IsTrusted(endpoint.Host) ? addresses : addresses.Where(a => SpecialPurposeAddresses.NonPublicRange(a) is null).ToArray();
        if (allowed.Length == 0)
        {
            throw Refused(endpoint.Host, addresses.Length == 0
                ? ": it resolves to no address"
                : ": it resolves only to local or private addresses (" + string.Join("; ", addresses.Take(3).Select(Describe)) + ")");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        string bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var literal))
        {
            return [literal];
        }

        return _options.HostResolver is { } resolve
            ? await resolve(host, cancellationToken).ConfigureAwait(false) ?? []
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
    }

    private bool IsTrusted(string host) =>
        _options.AllowPrivateNetworks || _options.AllowedHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));

    private static string Describe(IPAddress address) => $"{address} in {SpecialPurposeAddresses.NonPublicRange(address) ?? "public space"}";

    private ImageGenerationException Refused(string host, string why) => new(
        ImageGenerationErrorKind.UnexpectedResponse,
        $"Refused to download an image from '{host}'{(why.StartsWith(':') ? "" : " ")}{why} (add the host to ImageDownloadOptions.AllowedHosts if it is trusted).")
    {
        Provider = _providerName,
    };

    private static WebProxy CreateProxy(Uri proxy)
    {
        // Credentials written into the proxy URL (http://user:password@proxy:3128) become the proxy's credentials.
        var address = new UriBuilder(proxy) { UserName = "", Password = "" }.Uri;
        var webProxy = new WebProxy(address) { BypassProxyOnLocal = false };
        if (proxy.UserInfo.Length > 0)
        {
            string[] parts = proxy.UserInfo.Split(':', 2);
            webProxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }

        return webProxy;
    }
}
