using System.Globalization;

namespace UnifiedImageGen.Jobs;

/// <summary>
/// Header access for webhook verifiers that works with any host: build it from a dictionary, from
/// <see cref="System.Net.Http.Headers.HttpHeaders"/>, or from a lookup function (ASP.NET Core: <c>name =&gt; request.Headers[name]</c>).
/// Names are compared case-insensitively.
/// </summary>
public sealed class WebhookHeaders
{
    private readonly Func<string, string?> _lookup;

    /// <summary>Creates headers from a lookup function.</summary>
    /// <param name="lookup">Returns a header's value, or null (or empty) when absent.</param>
    public WebhookHeaders(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        _lookup = lookup;
    }

    /// <summary>Creates headers from name-value pairs.</summary>
    /// <param name="headers">The headers.</param>
    public static WebhookHeaders From(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            copy[name] = value;
        }

        return new WebhookHeaders(name => copy.TryGetValue(name, out var value) ? value : null);
    }

    /// <summary>The value of <paramref name="name"/>, or null when absent or empty.</summary>
    public string? Get(string name)
    {
        string? value = _lookup(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The value of <paramref name="name"/>.</summary>
    /// <exception cref="WebhookVerificationException">The header is missing.</exception>
    public string Require(string name) => Get(name) ?? throw new WebhookVerificationException($"The webhook delivery lacks the '{name}' header.");

    /// <summary>
    /// Reads a Unix-time (seconds) header and checks that it lies within <paramref name="tolerance"/> of now: the one
    /// freshness rule of every webhook verifier. Any value, however far off (year 10000, <see cref="long.MaxValue"/>), is
    /// refused as stale rather than overflowing.
    /// </summary>
    /// <param name="name">The header, such as <c>webhook-timestamp</c>.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="tolerance">How far from now the timestamp may be.</param>
    /// <returns>The header's text, exactly as sent (signed content includes it as is).</returns>
    /// <exception cref="WebhookVerificationException">The header is missing, is not a number of seconds, or lies outside the tolerance (a replay or a skewed clock).</exception>
    public string RequireFreshUnixTimestamp(string name, TimeProvider timeProvider, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        string value = Require(name);
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            throw new WebhookVerificationException($"The {name} header is not a Unix time in seconds.");
        }

        // In whole seconds and in long arithmetic: DateTimeOffset.FromUnixTimeSeconds throws ArgumentOutOfRangeException beyond year 9999.
        long now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        ulong skew = seconds >= now ? (ulong)(seconds - now) : (ulong)(now - seconds);
        if (skew > (ulong)Math.Max(0, tolerance.TotalSeconds))
        {
            throw new WebhookVerificationException(string.Create(CultureInfo.InvariantCulture, $"The webhook timestamp is {skew} s from now; the tolerance is {tolerance.TotalSeconds:0} s (a replay or a skewed clock)."));
        }

        return value;
    }
}
