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
    public static HttpClient CreateDownloadClient(ImageDownloadOptions options) =>
        new(ImageDownloader.CreateGuardedHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
}
