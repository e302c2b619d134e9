using System.Net;
using UnifiedImageGen.Http;
using UnifiedImageGen.Resilience;

namespace UnifiedImageGen.Providers;

/// <summary>Builds the HTTP clients providers use outside dependency injection (the <c>(string apiKey)</c> constructors).</summary>
public static class ImageGenerationHttp
{
    /// <summary>
    /// Creates the primary handler for provider API calls: pooled connections recycled every two minutes (so DNS
    /// changes are seen), compressed responses, no automatic redirects (they would drop the auth header silently).
    /// </summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.All,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// Creates a client with the same handler chain dependency injection gives providers: User-Agent, then resilience,
    /// then <see cref="CreatePrimaryHandler"/>. Its own timeout is off: the resilience handler's timeouts apply.
    /// </summary>
    /// <param name="providerName">The provider name, for the User-Agent and errors.</param>
    /// <param name="resilience">Retry, timeout and circuit settings; defaults when null.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    public static HttpClient CreateClient(string providerName, ImageGenerationResilienceOptions? resilience = null, TimeProvider? timeProvider = null)
    {
        var resilienceHandler = new ImageGenerationResilienceHandler(providerName, resilience, timeProvider) { InnerHandler = CreatePrimaryHandler() };
        var userAgent = new UserAgentHandler(providerName) { InnerHandler = resilienceHandler };
        return new HttpClient(userAgent, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Creates a download client whose connections are checked against private addresses (see <see cref="ImageDownloader.CreateGuardedHandler"/>).</summary>
    /// <param name="options">The download limits.</param>
    /// <param name="providerName">The provider name for error messages.</param>
    public static HttpClient CreateDownloadClient(ImageDownloadOptions options, string providerName = "download") =>
        new(ImageDownloader.CreateGuardedHandler(options, providerName), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The address with a trailing slash, so relative paths append to it instead of replacing its last segment.</summary>
    /// <param name="uri">A base address.</param>
    public static Uri WithTrailingSlash(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>
    /// Sets up the downloader of a provider and the clients it must dispose. Result URLs never go through the API
    /// client: its handlers are the caller's (they may follow redirects, use the system proxy, or skip the address
    /// check), so unless dependency injection gave a downloader over its guarded client, the provider gets a guarded
    /// download client of its own.
    /// </summary>
    /// <param name="httpClient">The API client.</param>
    /// <param name="options">The provider's options (download limits).</param>
    /// <param name="providerName">The provider name.</param>
    /// <param name="downloader">A downloader given by dependency injection, if any.</param>
    /// <param name="owned">Whether the provider created <paramref name="httpClient"/> itself.</param>
    public static (ImageDownloader Downloader, IDisposable[] Owned) Downloads(HttpClient httpClient, ImageGeneratorOptionsBase options, string providerName, ImageDownloader? downloader, bool owned)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        IDisposable[] api = owned ? [httpClient] : [];
        if (downloader is not null)
        {
            return (downloader, api);
        }

        var downloadClient = CreateDownloadClient(options.Download, providerName);
        return (new ImageDownloader(downloadClient, options.Download, providerName), [.. api, downloadClient]);
    }
}
