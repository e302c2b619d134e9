using System.Globalization;

namespace UnifiedImageGen.Http;

/// <summary>Reads how long a provider asked callers to wait: <c>retry-after-ms</c>, then <c>Retry-After</c> as seconds or an HTTP-date.</summary>
public static class RetryAfter
{
    /// <summary>Returns the delay the response asks for, or <see langword="null"/> when it asks for none.</summary>
    /// <param name="response">The response.</param>
    /// <param name="timeProvider">The clock an HTTP-date is measured against.</param>
    public static TimeSpan? From(HttpResponseMessage response, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        return From(response.Headers, timeProvider);
    }

    /// <summary>Returns the delay the headers ask for, or <see langword="null"/> when they ask for none.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="timeProvider">The clock an HTTP-date is measured against.</param>
    public static TimeSpan? From(System.Net.Http.Headers.HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (headers.TryGetValues("retry-after-ms", out var msValues)
            && double.TryParse(msValues.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                var wait = date - timeProvider.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }
}
