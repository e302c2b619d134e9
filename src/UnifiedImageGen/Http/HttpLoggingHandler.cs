using Microsoft.Extensions.Logging;
using UnifiedImageGen.Diagnostics;

namespace UnifiedImageGen.Http;

/// <summary>
/// Logs each HTTP exchange of a provider's client at Debug: method, host, path (never the query string, where Google
/// puts keys), status and elapsed time. Bodies and headers are never logged.
/// </summary>
internal sealed class HttpLoggingHandler(string providerName, ILogger logger, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        long started = timeProvider.GetTimestamp();
        string host = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.Authority : "";
        string path = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : "";
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            ImageGenerationLog.HttpAnswered(logger, providerName, request.Method.Method, host, path, (int)response.StatusCode, ElapsedMs(started));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The exception's message can hold the full URL: log only its type.
            ImageGenerationLog.HttpFailed(logger, providerName, request.Method.Method, host, path, ElapsedMs(started), ex is HttpRequestException http ? http.HttpRequestError.ToString() : "canceled");
            throw;
        }
    }

    private double ElapsedMs(long started) => Math.Round(timeProvider.GetElapsedTime(started).TotalMilliseconds, 1);
}
