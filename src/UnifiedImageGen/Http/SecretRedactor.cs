using System.Text.RegularExpressions;

namespace UnifiedImageGen.Http;

/// <summary>
/// Removes credentials from text before it reaches an exception message, a log line or a telemetry tag:
/// the literal keys it was given, plus anything shaped like a key (<c>sk-...</c>, <c>r8_...</c>, Google <c>AIza...</c>,
/// <c>Bearer ...</c>, <c>Key ...</c>, <c>x-key: ...</c>, <c>api-key=...</c>, <c>?key=...</c>).
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    private readonly string[] _secrets;

    /// <summary>Creates a redactor that also removes the given literal secrets (values shorter than 4 characters are ignored).</summary>
    /// <param name="secrets">Keys and tokens this component knows, such as the configured API key.</param>
    public SecretRedactor(params IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets.Where(s => s is { Length: >= 4 }).Select(s => s!).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>A redactor that knows no literal secrets and removes only key-shaped text.</summary>
    public static SecretRedactor Default { get; } = new();

    /// <summary>Returns <paramref name="text"/> with every secret replaced by <see cref="Mask"/>.</summary>
    /// <param name="text">The text, possibly null.</param>
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = NamedSecret().Replace(text, "$1$2" + Mask);
        text = SchemeToken().Replace(text, "$1 " + Mask);
        return KeyShaped().Replace(text, Mask);
    }

    // "Bearer abc", "Key abc", "Basic abc", "Token abc" (Authorization schemes).
    [GeneratedRegex(@"\b(Bearer|Key|Basic|Token)\s+[A-Za-z0-9._~+/=:\-]{4,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SchemeToken();

    // Header, JSON, query and form forms: x-key: v, "api_key": "v", ?key=v, access_token=v, authorization: v.
    [GeneratedRegex(@"\b(x-key|x-api-key|api[-_]?key|x-goog-api-key|authorization|access[-_]?token|client[-_]?secret|webhook[-_]?secret|password|key|token|secret)(""?\s*[:=]\s*""?)(?!\*\*\*)(?:(?:Bearer|Key|Basic|Token)\s+)?[^\s""'&,;}\]]{3,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedSecret();

    // Provider key formats that may appear anywhere: OpenAI sk-, Replicate r8_, Google AIza, Stability sk-.
    [GeneratedRegex(@"\b(sk-[A-Za-z0-9_\-]{6,}|r8_[A-Za-z0-9]{8,}|AIza[0-9A-Za-z_\-]{20,})", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShaped();
}
