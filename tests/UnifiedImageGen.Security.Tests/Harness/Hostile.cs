using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>Hostile inputs that cost nothing to make.</summary>
public static class Hostile
{
    public static byte[] Png(int width, int height) => PngEncoder.Encode(new byte[width * height * 4], width, height);

    /// <summary>A PNG of the same size as <see cref="Png"/> but other pixels: equal lengths, different bytes.</summary>
    public static byte[] Png(int width, int height, byte fill) => PngEncoder.Encode(Enumerable.Repeat(fill, width * height * 4).ToArray(), width, height);

    /// <summary>
    /// Values that made different requests share a cache key in a naive canonical form: separators, the words a
    /// form writes for null or a default, numbers that read like strings, list-like text, option names in other cases.
    /// </summary>
    public static readonly string[] KeyLookalikes =
    [
        "", " ", "default", "none", "auto", "random", "null", "0", "1", "1.0", "-0", "NaN", "Infinity", "true",
        "\u001F", "a\u001Fb", "\u001E", "\u0000", "a|b", "a,b", "a;b", "[\"a\",\"b\"]", "{\"a\":1}", "\"", "\\", "System.String[]",
        "System.Collections.Generic.List`1[System.String]", "openai", "OpenAI", "OPENAI", "x=1, y=2", "A", "a",
    ];
    /// <summary>
    /// Random bytes that are not a whole image, of the kinds a broken CDN, a proxy or a buggy provider hands over in
    /// place of one: HTML, zeros, a cut-off PNG, or a PNG, JPEG or WebP header followed by garbage.
    /// </summary>
    public static (string Kind, byte[] Bytes) NonImage(Random random)
    {
        byte[] Garbage(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        var png = Png(random.Next(1, 40), random.Next(1, 40));
        switch (random.Next(7))
        {
            case 0:
                return ("HTML", System.Text.Encoding.UTF8.GetBytes($"<!DOCTYPE html><html><body><h1>502 Bad Gateway {random.Next()}</h1></body></html>"));
            case 1:
                return ("zeros", new byte[random.Next(0, 5000)]);
            case 2:
                return ("truncated PNG", png[..random.Next(1, png.Length - 1)]);
            case 3:
                return ("PNG header + garbage", [.. png[..random.Next(8, 34)], .. Garbage(random.Next(1, 3000))]);
            case 4:
                return ("JPEG header + garbage", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, .. Garbage(random.Next(1, 3000))]);
            case 5:
                var body = Garbage(random.Next(8, 3000));
                var webp = new byte[12 + body.Length];
                "RIFF"u8.CopyTo(webp);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(4), (uint)(webp.Length - 8));
                "WEBP"u8.CopyTo(webp.AsSpan(8));
                body.CopyTo(webp, 12);
                return ("WebP header + garbage", webp);
            default:
                return ("JSON", System.Text.Encoding.UTF8.GetBytes("{\"error\":\"not found\"}"));
        }
    }

    /// <summary>Memory that claims <paramref name="length"/> bytes but has none: reading it fails the test.</summary>
    public static ReadOnlyMemory<byte> Claiming(int length) => new PhantomMemory(length).Memory;

    /// <summary>
    /// A request count as an attacker or a bug would send it: mostly valid (1..4), else zero, negative, the extremes of
    /// int, or far above the 128 limit. A count below 1 that reached a cost layer would reserve a negative estimate.
    /// </summary>
    public static int Count(Random random) => random.Next(12) switch
    {
        0 => 0,
        1 => random.Next(int.MinValue, 0),
        2 => int.MinValue,
        3 => int.MaxValue,
        4 => random.Next(129, int.MaxValue),
        5 => -1,
        _ => random.Next(1, 5),
    };

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

    /// <summary>
    /// Every IPv4 range a download must never reach, written out here from the IANA IPv4 Special-Purpose Address
    /// Registry (iana.org/assignments/iana-ipv4-special-registry, the entries whose "Globally Reachable" is False) plus
    /// multicast (RFC 5771) and the reserved 240.0.0.0/4 (RFC 1112): the tests' own table, not the SDK's.
    /// </summary>
    public static readonly AddressRange[] BlockedIPv4 =
    [
        new("0.0.0.0/8", "this network"), new("10.0.0.0/8", "private-use"), new("100.64.0.0/10", "shared address space"),
        new("127.0.0.0/8", "loopback"), new("169.254.0.0/16", "link-local"), new("172.16.0.0/12", "private-use"),
        new("192.0.0.0/24", "IETF protocol assignments"), new("192.0.0.0/29", "IPv4 service continuity prefix"),
        new("192.0.0.8/32", "IPv4 dummy address"), new("192.0.0.170/31", "NAT64/DNS64 discovery"),
        new("192.0.2.0/24", "documentation"), new("192.88.99.0/24", "6to4 relay anycast"), new("192.168.0.0/16", "private-use"),
        new("198.18.0.0/15", "benchmarking"), new("198.51.100.0/24", "documentation"), new("203.0.113.0/24", "documentation"),
        new("224.0.0.0/4", "multicast"), new("240.0.0.0/4", "reserved"), new("255.255.255.255/32", "limited broadcast"),
    ];

    /// <summary>
    /// IPv6 ranges a download must never reach, from the IANA IPv6 Special-Purpose Address Registry
    /// (iana.org/assignments/iana-ipv6-special-registry) and the IPv6 address space registry (outside 2000::/3).
    /// </summary>
    public static readonly AddressRange[] BlockedIPv6 =
    [
        new("::1/128", "loopback"), new("::/128", "unspecified"), new("100::/64", "discard-only"), new("100:0:0:1::/64", "dummy prefix"),
        new("64:ff9b:1::/48", "local-use NAT64"), new("2001::/23", "IETF protocol assignments"), new("2001::/32", "Teredo"),
        new("2001:2::/48", "benchmarking"), new("2001:db8::/32", "documentation"), new("3fff::/20", "documentation"),
        new("5f00::/16", "SRv6 SIDs"), new("fc00::/7", "unique-local"), new("fe80::/10", "link-local"), new("fec0::/10", "site-local"),
        new("ff00::/8", "multicast"), new("4000::/2", "unallocated"),
    ];

    /// <summary>The IPv6 forms an IPv4 address can travel in, each refused when the IPv4 address is.</summary>
    public static readonly string[] IPv6Forms = ["mapped", "translated", "nat64", "nat64-local", "6to4", "teredo", "compatible"];

    /// <summary>The forms that hide any IPv4 address, public or not, and are refused whole.</summary>
    public static readonly string[] AlwaysRefusedForms = ["nat64-local", "teredo", "compatible"];

    /// <summary>
    /// <paramref name="ipv4"/> inside an IPv6 address: IPv4-mapped ::ffff:0:0/96 (RFC 4291), IPv4-translated
    /// ::ffff:0:0:0/96 (RFC 6145/7915), NAT64 64:ff9b::/96 and local-use 64:ff9b:1::/48 (RFC 6052, RFC 8215, with a /96
    /// prefix), 6to4 2002::/16 (RFC 3056), Teredo 2001::/32 (RFC 4380: client address XOR-ed) or IPv4-compatible ::/96.
    /// </summary>
    public static IPAddress Embed(IPAddress ipv4, string form, Random random)
    {
        byte[] v4 = ipv4.GetAddressBytes(), b = new byte[16];
        void Tail() => v4.CopyTo(b, 12);
        switch (form)
        {
            case "mapped":
                b[10] = b[11] = 0xFF;
                Tail();
                break;
            case "translated":
                b[8] = b[9] = 0xFF;
                Tail();
                break;
            case "nat64":
                b[1] = 0x64; b[2] = 0xFF; b[3] = 0x9B;
                Tail();
                break;
            case "nat64-local":
                b[1] = 0x64; b[2] = 0xFF; b[3] = 0x9B; b[5] = 1; b[6] = (byte)random.Next(256); b[7] = (byte)random.Next(256);
                Tail();
                break;
            case "6to4":
                b[0] = 0x20; b[1] = 0x02;
                v4.CopyTo(b, 2);
                random.NextBytes(b.AsSpan(6));
                break;
            case "teredo":
                b[0] = 0x20; b[1] = 0x01;
                RandomPublicIPv4(random).GetAddressBytes().CopyTo(b, 4); // the Teredo server
                b[10] = (byte)random.Next(256); b[11] = (byte)random.Next(256); // obfuscated port
                for (int i = 0; i < 4; i++)
                {
                    b[12 + i] = (byte)~v4[i];
                }

                break;
            case "compatible":
                Tail();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(form), form, null);
        }

        return new IPAddress(b);
    }

    /// <summary>A random IPv4 address outside every range of <see cref="BlockedIPv4"/>.</summary>
    public static IPAddress RandomPublicIPv4(Random random)
    {
        while (true)
        {
            var address = new IPAddress(new[] { (byte)random.Next(1, 224), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(1, 255) });
            if (!BlockedIPv4.Any(r => r.Contains(address)))
            {
                return address;
            }
        }
    }

    /// <summary>How a URL writes an address: IPv6 in brackets.</summary>
    public static string UrlHost(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>A CIDR range and its registry name; <see cref="Random"/> picks an address inside it.</summary>
    public sealed record AddressRange(string Cidr, string Name)
    {
        private byte[] Network => IPAddress.Parse(Cidr[..Cidr.IndexOf('/')]).GetAddressBytes();

        private int PrefixLength => int.Parse(Cidr[(Cidr.IndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        public IPAddress Random(Random random)
        {
            byte[] network = Network, address = new byte[network.Length];
            random.NextBytes(address);
            for (int bit = 0; bit < PrefixLength; bit++)
            {
                int mask = 0x80 >> (bit % 8);
                address[bit / 8] = (byte)((address[bit / 8] & ~mask) | (network[bit / 8] & mask));
            }

            return new IPAddress(address);
        }

        public bool Contains(IPAddress address)
        {
            byte[] network = Network, bytes = address.GetAddressBytes();
            if (bytes.Length != network.Length)
            {
                return false;
            }

            for (int bit = 0; bit < PrefixLength; bit++)
            {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask))
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => $"{Cidr} ({Name})";
    }
}
