using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace UnifiedImageGen.Http;

/// <summary>
/// Removes credentials from text before it reaches an exception message, a log line or a telemetry tag:
/// the literal secrets it was given, in every form a provider may echo them (as they are, base64 or base64url at any
/// alignment inside a larger blob such as a Basic auth header, URL-encoded, JSON-escaped, or any mix of escapes), plus
/// anything shaped like a key (<c>sk-...</c>, <c>r8_...</c>, Google <c>AIza...</c>, <c>Bearer ...</c>, <c>Key ...</c>,
/// <c>x-key: ...</c>, <c>api-key=...</c>, <c>?key=...</c>). Escapes are undone before matching, so a key written as
/// <c>\u0073k-...</c> or <c>%73k-...</c> is found, and the whole escaped stretch of the original text is masked.
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    // Secrets learned at run time (access tokens, per-request webhook secrets) are kept up to this many, newest last,
    // so a long-running process that renews a token daily does not grow the redactor without bound.
    private const int MaxLearnedSecrets = 64;

    // A base64 fragment shorter than this would match unrelated base64 text too often.
    private const int MinEncodedFormLength = 6;

    // Nested escapes (a JSON string inside a JSON string, a URL-encoded JSON escape) are undone up to this depth.
    private const int MaxUnescapeRounds = 3;

    private readonly string[] _configuredForms;
    private readonly bool _readOnly;
    private readonly object _learnGate = new();
    private (string Secret, string[] Forms)[] _learned;

    /// <summary>Creates a redactor that also removes the given literal secrets (values shorter than 4 characters are ignored).</summary>
    /// <param name="secrets">Keys and tokens this component knows, such as the configured API key.</param>
    public SecretRedactor(params IEnumerable<string?> secrets)
        : this(secrets, readOnly: false)
    {
    }

    private SecretRedactor(IEnumerable<string?> secrets, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _configuredForms = secrets.Where(IsRedactable).SelectMany(s => FormsOf(s!)).Distinct(StringComparer.Ordinal).ToArray();
        _learned = [];
        _readOnly = readOnly;
    }

    /// <summary>A redactor that knows no literal secrets and removes only key-shaped text. <see cref="Add"/> is refused on it.</summary>
    public static SecretRedactor Default { get; } = new([], readOnly: true);

    /// <summary>
    /// Adds a secret learned at run time, such as an access token just issued or a webhook signing secret just read, so
    /// that text echoing it is redacted from now on; also per-request secrets such as a webhook secret sent with one
    /// request. Safe to call concurrently with <see cref="Redact"/>. The newest 64 learned secrets are kept; values
    /// shorter than 4 characters are ignored.
    /// </summary>
    /// <param name="secret">The secret.</param>
    /// <exception cref="InvalidOperationException">This is <see cref="Default"/>, which is shared and never learns.</exception>
    public void Add(string? secret)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("SecretRedactor.Default is shared and cannot learn secrets; create a SecretRedactor for the component.");
        }

        if (!IsRedactable(secret))
        {
            return;
        }

        lock (_learnGate)
        {
            var learned = _learned;
            if (Array.Exists(learned, l => l.Secret == secret))
            {
                return;
            }

            var entry = (secret!, FormsOf(secret!).ToArray());
            Volatile.Write(ref _learned, learned.Length < MaxLearnedSecrets ? [.. learned, entry] : [.. learned.AsSpan(1), entry]);
        }
    }

    /// <summary>Returns <paramref name="text"/> with every secret, in every encoding, replaced by <see cref="Mask"/>.</summary>
    /// <param name="text">The text, possibly null.</param>
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // The search runs over the unescaped text; origins[i] is where its i-th character starts in the original.
        string plain = Unescape(text, out int[]? origins);
        var spans = new List<(int Start, int End)>();
        foreach (string form in _configuredForms)
        {
            AddOccurrences(plain, form, spans);
        }

        foreach (var (_, forms) in Volatile.Read(ref _learned))
        {
            foreach (string form in forms)
            {
                AddOccurrences(plain, form, spans);
            }
        }

        AddMatches(NamedSecret(), plain, spans);
        AddMatches(SchemeToken(), plain, spans);
        AddMatches(KeyShaped(), plain, spans);
        if (spans.Count == 0)
        {
            return text;
        }

        if (origins is not null)
        {
            for (int i = 0; i < spans.Count; i++)
            {
                spans[i] = (origins[spans[i].Start], origins[spans[i].End]);
            }
        }

        spans.Sort();
        var result = new StringBuilder(text.Length);
        int copied = 0;
        int index = 0;
        while (index < spans.Count)
        {
            var (start, end) = spans[index++];
            while (index < spans.Count && spans[index].Start <= end)
            {
                end = Math.Max(end, spans[index++].End);
            }

            result.Append(text, copied, start - copied).Append(Mask);
            copied = end;
        }

        return result.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool IsRedactable(string? secret) => secret is { Length: >= 4 };

    // The secret as it is, and base64 / base64url of its UTF-8 bytes at each of the 3 alignments it can have inside a
    // larger encoded blob (for "user:key" in a Basic header the key starts mid-group): only the characters that depend
    // on the secret's bytes alone, so the form is found whatever surrounds it.
    private static IEnumerable<string> FormsOf(string secret)
    {
        yield return secret;
        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        for (int offset = 0; offset < 3; offset++)
        {
            byte[] padded = new byte[offset + bytes.Length + 3];
            bytes.CopyTo(padded, offset);
            string encoded = Convert.ToBase64String(padded);
            int first = ((8 * offset) + 5) / 6;
            int end = 8 * (offset + bytes.Length) / 6;
            if (end - first >= MinEncodedFormLength)
            {
                string fragment = encoded[first..end];
                yield return fragment;
                yield return fragment.Replace('+', '-').Replace('/', '_');
            }
        }
    }

    private static void AddOccurrences(string text, string form, List<(int, int)> spans)
    {
        for (int at = text.IndexOf(form, StringComparison.Ordinal); at >= 0; at = text.IndexOf(form, at + 1, StringComparison.Ordinal))
        {
            spans.Add((at, at + form.Length));
        }
    }

    private static void AddMatches(Regex pattern, string text, List<(int, int)> spans)
    {
        foreach (Match match in pattern.Matches(text))
        {
            // Only the secret group is masked; its leading context (a header name, a scheme) is kept.
            var secret = match.Groups["secret"];
            spans.Add((secret.Index, secret.Index + secret.Length));
        }
    }

    // Undoes JSON string escapes (\uXXXX, \n, \/ ...) and URL percent-escapes of ASCII characters (keys are ASCII: HTTP
    // headers carry them), repeated for nested escapes. origins maps each character of the result (and its end) to its
    // start in text; null when nothing was escaped.
    private static string Unescape(string text, out int[]? origins)
    {
        origins = null;
        for (int round = 0; round < MaxUnescapeRounds && text.AsSpan().IndexOfAny('\\', '%') >= 0; round++)
        {
            if (UnescapeOnce(text, out int[] map) is not { } unescaped)
            {
                break;
            }

            if (origins is not null)
            {
                for (int i = 0; i <= unescaped.Length; i++)
                {
                    map[i] = origins[map[i]];
                }
            }

            origins = map;
            text = unescaped;
        }

        return text;
    }

    private static string? UnescapeOnce(string text, out int[] map)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(text.Length);
        int[] starts = new int[text.Length + 1];
        int length = 0;
        bool changed = false;
        try
        {
            for (int i = 0; i < text.Length;)
            {
                starts[length] = i;
                int consumed = 1;
                char c = text[i];
                if (c == '\\' && i + 1 < text.Length)
                {
                    char next = text[i + 1];
                    if (next == 'u' && i + 5 < text.Length && TryHex(text.AsSpan(i + 2, 4), out int code))
                    {
                        (c, consumed) = ((char)code, 6);
                    }
                    else if (JsonEscape(next) is char escaped)
                    {
                        (c, consumed) = (escaped, 2);
                    }
                }
                else if (c == '%' && i + 2 < text.Length && TryHex(text.AsSpan(i + 1, 2), out int value) && value < 0x80)
                {
                    (c, consumed) = ((char)value, 3);
                }

                changed |= consumed > 1;
                chars[length++] = c;
                i += consumed;
            }

            starts[length] = text.Length;
            map = starts;
            return changed ? new string(chars, 0, length) : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static char? JsonEscape(char c) => c switch
    {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\b',
        'f' => '\f',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        _ => null,
    };

    private static bool TryHex(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (char d in digits)
        {
            int digit = HexConverter(d);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexConverter(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    // "Bearer abc", "Key abc", "Basic abc", "Token abc" (Authorization schemes).
    [GeneratedRegex(@"\b(Bearer|Key|Basic|Token)\s+(?<secret>[A-Za-z0-9._~+/=:\-]{4,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SchemeToken();

    // Header, JSON, query and form forms: x-key: v, "api_key": "v", ?key=v, access_token=v, authorization: v.
    [GeneratedRegex(@"\b(x-key|x-api-key|api[-_]?key|x-goog-api-key|authorization|access[-_]?token|client[-_]?secret|webhook[-_]?secret|password|key|token|secret)(""?\s*[:=]\s*""?)(?!\*\*\*)(?<secret>(?:(?:Bearer|Key|Basic|Token)\s+)?[^\s""'&,;}\]]{3,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedSecret();

    // Provider key formats that may appear anywhere: OpenAI sk-, Replicate r8_, Google AIza, Stability sk-.
    [GeneratedRegex(@"\b(?<secret>sk-[A-Za-z0-9_\-]{6,}|r8_[A-Za-z0-9]{8,}|AIza[0-9A-Za-z_\-]{20,})", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShaped();
}
