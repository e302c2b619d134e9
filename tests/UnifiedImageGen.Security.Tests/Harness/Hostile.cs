using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>Hostile inputs that cost nothing to make.</summary>
public static class Hostile
{
    public static byte[] Png(int width, int height) => PngEncoder.Encode(new byte[width * height * 4], width, height);

    /// <summary>Memory that claims <paramref name="length"/> bytes but has none: reading it fails the test.</summary>
    public static ReadOnlyMemory<byte> Claiming(int length) => new PhantomMemory(length).Memory;

    /// <summary>The provider's own answer as given, or (for tests that expect a refusal) the exception thrown.</summary>
    public static async Task<Exception?> Catch(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>The ways a provider may echo a secret back: as it is or encoded, whole or inside a larger value.</summary>
    public static readonly string[] SecretEncodings = ["raw", "json-escaped", "url-encoded", "base64", "base64url", "basic-auth", "base64 json-escaped", "base64 url-encoded", "json-escaped url-encoded"];

    /// <summary>
    /// <paramref name="secret"/> written in <paramref name="encoding"/> (one of <see cref="SecretEncodings"/>), with
    /// random choices a provider could make: which characters are escaped and in which hex case (so the secret can be
    /// split across escapes), and how many bytes precede it inside a base64 blob (each of the 3 alignments).
    /// </summary>
    public static string EncodeSecret(Random random, string secret, string encoding)
    {
        string JsonEscaped(string text) => string.Concat(text.Select(c => random.Next(3) > 0 ? (random.Next(2) == 0 ? $"\\u{(int)c:x4}" : $"\\u{(int)c:X4}") : c == '"' || c == '\\' ? "\\" + c : c.ToString()));
        string UrlEncoded(string text) => string.Concat(text.Select(c => random.Next(3) > 0 || !char.IsAsciiLetterOrDigit(c) ? (random.Next(2) == 0 ? $"%{(int)c:x2}" : $"%{(int)c:X2}") : c.ToString()));
        string Base64Blob()
        {
            // The secret at a random offset of a larger value (each of the 3 alignments), as in an echoed "user:key" header.
            byte[] before = Encoding.UTF8.GetBytes(new string('u', random.Next(0, 7)) + (random.Next(2) == 0 ? ":" : ""));
            byte[] after = Encoding.UTF8.GetBytes(new string('z', random.Next(0, 5)));
            return Convert.ToBase64String([.. before, .. Encoding.UTF8.GetBytes(secret), .. after]);
        }

        return encoding switch
        {
            "raw" => secret,
            "json-escaped" => JsonEscaped(secret),
            "url-encoded" => UrlEncoded(secret),
            "base64" => Base64Blob(),
            "base64url" => Base64Blob().TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            "basic-auth" => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + secret)),
            "base64 json-escaped" => Base64Blob().Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal),
            "base64 url-encoded" => Uri.EscapeDataString(Base64Blob()),
            "json-escaped url-encoded" => JsonEscaped(UrlEncoded(secret)),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
        };
    }

    /// <summary>
    /// Where <paramref name="secret"/> shows in <paramref name="text"/> in any encoding, or null: as it is, after undoing
    /// JSON and URL escapes (nested too), or as base64 / base64url of its bytes at any of the 3 alignments. Written apart
    /// from the SDK's redactor so the test does not share its blind spots.
    /// </summary>
    public static string? FindSecret(string text, string secret)
    {
        string unescaped = text;
        for (int round = 0; round < 3; round++)
        {
            unescaped = Regex.Replace(unescaped, @"\\u([0-9a-fA-F]{4})", m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
            unescaped = Regex.Replace(unescaped, @"%([0-7][0-9a-fA-F])", m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
            unescaped = unescaped.Replace("\\/", "/", StringComparison.Ordinal);
        }

        if (text.Contains(secret, StringComparison.Ordinal) || unescaped.Contains(secret, StringComparison.Ordinal))
        {
            return "as text";
        }

        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        for (int offset = 0; offset < 3; offset++)
        {
            // Encode behind `offset` filler bytes and keep the characters made of the secret's bits only.
            string encoded = Convert.ToBase64String([.. new byte[offset], .. bytes, 0, 0, 0]);
            int first = ((offset * 8) + 5) / 6;
            string core = encoded[first..((offset + bytes.Length) * 8 / 6)];
            if (unescaped.Contains(core, StringComparison.Ordinal) || unescaped.Contains(core.Replace('+', '-').Replace('/', '_'), StringComparison.Ordinal))
            {
                return $"as base64 (alignment {offset})";
            }
        }

        return null;
    }

    private sealed class PhantomMemory(int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => throw new InvalidOperationException($"The {length:N0}-byte input was read; it must be refused by its length alone.");

        public override MemoryHandle Pin(int elementIndex = 0) => throw new InvalidOperationException("The input was pinned; it must be refused by its length alone.");

        public override void Unpin()
        {
        }

        public override Memory<byte> Memory => CreateMemory(length);

        protected override void Dispose(bool disposing)
        {
        }
    }

    /// <summary>A body that claims a huge Content-Length and fails the test if anyone reads it.</summary>
    public sealed class ClaimingContent : HttpContent
    {
        public ClaimingContent(long length, string mediaType)
        {
            Headers.ContentLength = length;
            Headers.ContentType = new(mediaType);
        }

        public bool Read { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            Read = true;
            throw new InvalidOperationException("The 10 GB body was read; it must be refused by its Content-Length.");
        }

        protected override Task<Stream> CreateContentReadStreamAsync()
        {
            Read = true;
            throw new InvalidOperationException("The 10 GB body was read; it must be refused by its Content-Length.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = Headers.ContentLength ?? -1;
            return length >= 0;
        }
    }
}
