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
}
