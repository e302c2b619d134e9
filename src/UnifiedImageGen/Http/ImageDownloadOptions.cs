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
}
