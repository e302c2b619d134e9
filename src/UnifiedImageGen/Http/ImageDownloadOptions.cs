using System.Net;

namespace UnifiedImageGen.Http;

/// <summary>Limits for downloading the images providers answer with as URLs.</summary>
public sealed class ImageDownloadOptions
{
    /// <summary>The largest image accepted, in bytes.</summary>
    /// <value>64 MiB.</value>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long one download may take, redirects included.</summary>
    /// <value>2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many redirects to follow; each target is checked like the first URL.</summary>
    /// <value>5.</value>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Hosts that may be reached even though they are loopback, private or plain http (a self-hosted ComfyUI server,
    /// a test emulator). Compared case-insensitively against the URL's host.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Allows downloads from loopback, private and link-local addresses of any host. Off by default (SSRF guard).</summary>
    /// <value><see langword="false"/>.</value>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// The proxy downloads go through (<c>http://proxy.example:3128</c>; credentials may be written into the URL). No
    /// proxy is used when null, whatever the environment (<c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>) or
    /// <see cref="HttpClient.DefaultProxy"/> say: behind a proxy, a connection-time address check would see only the
    /// proxy. With a proxy, each target host is resolved and checked before the request is sent; the proxy resolves it
    /// again, so an answer that changes in between (DNS rebinding) is not seen: let the proxy refuse private
    /// destinations too.
    /// </summary>
    /// <value><see langword="null"/>: direct connections.</value>
    public Uri? Proxy { get; set; }

    /// <summary>
    /// Resolves a host name to the addresses a download may use; each address is checked before a connection is made.
    /// When null, the system resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>). Set it to
    /// resolve through your own DNS (split-horizon, DNS over HTTPS) or to pin hosts in tests.
    /// </summary>
    /// <value><see langword="null"/>: the system resolver.</value>
    public Func<string, CancellationToken, ValueTask<IPAddress[]>>? HostResolver { get; set; }
}
