using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace UnifiedImageGen.Http;

/// <summary>
/// The address policy of guarded downloads: which IPv4 and IPv6 addresses are not public internet hosts. The tables
/// follow the IANA IPv4 and IPv6 Special-Purpose Address Registries
/// (iana.org/assignments/iana-ipv4-special-registry, iana.org/assignments/iana-ipv6-special-registry); an IPv6 address
/// that carries an IPv4 address is judged by the IPv4 address it carries.
/// </summary>
internal static class SpecialPurposeAddresses
{
    // Every range of the IPv4 registry whose "Globally Reachable" is False, plus multicast and the reserved class E.
    // Kept public (registry: globally reachable): 192.31.196.0/24 and 192.175.48.0/24 (AS112, RFC 7535/7534) and
    // 192.52.193.0/24 (AMT, RFC 7450). 192.0.0.0/24 is refused whole, although its PCP and TURN anycast addresses
    // (192.0.0.9, 192.0.0.10) are reachable: no image host serves from them.
    private static readonly Range[] IPv4 =
    [
        V4("0.0.0.0", 8, "\"this network\", RFC 791"),
        V4("10.0.0.0", 8, "private-use, RFC 1918"),
        V4("100.64.0.0", 10, "shared address space (carrier-grade NAT), RFC 6598"),
        V4("127.0.0.0", 8, "loopback, RFC 1122"),
        V4("169.254.0.0", 16, "link-local and cloud metadata, RFC 3927"),
        V4("172.16.0.0", 12, "private-use, RFC 1918"),
        V4("192.0.0.0", 24, "IETF protocol assignments, RFC 6890 (DS-Lite RFC 7335, dummy RFC 7600, NAT64 discovery RFC 8880)"),
        V4("192.0.2.0", 24, "documentation TEST-NET-1, RFC 5737"),
        V4("192.88.99.0", 24, "6to4 relay anycast (deprecated), RFC 7526"),
        V4("192.168.0.0", 16, "private-use, RFC 1918"),
        V4("198.18.0.0", 15, "benchmarking, RFC 2544"),
        V4("198.51.100.0", 24, "documentation TEST-NET-2, RFC 5737"),
        V4("203.0.113.0", 24, "documentation TEST-NET-3, RFC 5737"),
        V4("224.0.0.0", 4, "multicast, RFC 5771"),
        V4("240.0.0.0", 4, "reserved and limited broadcast, RFC 1112 and RFC 919"),
    ];

    // The IPv6 registry's ranges that are not globally reachable and lie inside 2000::/3; everything outside 2000::/3
    // (the only space IANA allocates as global unicast) is refused anyway, except the forms that carry an IPv4 address.
    private static readonly Range[] IPv6 =
    [
        // IETF protocol assignments, RFC 2928: benchmarking 2001:2::/48 (RFC 5180), ORCHID, and Teredo 2001::/32
        // (RFC 4380). Teredo is refused whole instead of decoded: its client IPv4 is stored obfuscated (XOR-ed) and the
        // packets go through a relay the SDK does not control, so the embedded address says little about where a
        // connection ends; no image host serves from Teredo.
        V6("2001::", 23, "IETF protocol assignments incl. Teredo and benchmarking, RFC 2928, RFC 4380, RFC 5180"),
        V6("2001:db8::", 32, "documentation, RFC 3849"),
        V6("3fff::", 20, "documentation, RFC 9637"),
        V6("5f00::", 16, "segment routing (SRv6) SIDs, RFC 9602"),
    ];

    private static readonly Range GlobalUnicast = V6("2000::", 3, "global unicast");

    /// <summary>Describes the non-public range <paramref name="address"/> is in, or returns null for a public address.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The range and its source, such as <c>10.0.0.0/8 (private-use, RFC 1918)</c>; null when public.</returns>
    public static string? NonPublicRange(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Find(IPv4, address);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (CarriedIPv4(b) is ({ } carried, { } form))
        {
            return NonPublicRange(carried) is { } range ? $"{form} carrying {carried} in {range}" : null;
        }

        if (!GlobalUnicast.Contains(b))
        {
            return Describe(address, b);
        }

        return Find(IPv6, address);
    }

    // The IPv6 forms that embed an IPv4 address at a fixed place. RFC 6052 section 2.2 puts the IPv4 address of a /96
    // NAT64 prefix in the last 32 bits; the local-use prefix 64:ff9b:1::/48 (RFC 8215) lets each network choose its own
    // prefix length (hence where the IPv4 address sits), so it is refused whole below instead.
    private static (IPAddress? Carried, string? Form) CarriedIPv4(ReadOnlySpan<byte> b)
    {
        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xFF && b[11] == 0xFF)
        {
            return (new IPAddress(b[12..]), "IPv4-mapped ::ffff:0:0/96 (RFC 4291)");
        }

        if (b[..8].IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0)
        {
            return (new IPAddress(b[12..]), "IPv4-translated ::ffff:0:0:0/96 (RFC 6145, RFC 7915)");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(b) == 0x0064FF9B && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return (new IPAddress(b[12..]), "NAT64 64:ff9b::/96 (RFC 6052)");
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            // RFC 3056 section 2: 2002:V4ADDR::/48.
            return (new IPAddress(b[2..6]), "6to4 2002::/16 (RFC 3056)");
        }

        return (null, null);
    }

    // Outside 2000::/3: name the well-known ranges so a refusal says what it saw.
    private static string Describe(IPAddress address, ReadOnlySpan<byte> b)
    {
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return "::1/128 (loopback, RFC 4291)";
        }

        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return "::/96 (unspecified and the deprecated IPv4-compatible form, RFC 4291)";
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(b) == 0x0064FF9B && b[4] == 0 && b[5] == 1)
        {
            return "64:ff9b:1::/48 (local-use NAT64, RFC 8215)";
        }

        return b[0] switch
        {
            0xFF => "ff00::/8 (multicast, RFC 4291)",
            0xFE when (b[1] & 0xC0) == 0x80 => "fe80::/10 (link-local, RFC 4291)",
            0xFE when (b[1] & 0xC0) == 0xC0 => "fec0::/10 (site-local, deprecated, RFC 3879)",
            0xFC or 0xFD => "fc00::/7 (unique-local, RFC 4193)",
            0x01 when b[1] == 0 && b[2..7].IndexOfAnyExcept((byte)0) < 0 && b[7] <= 1 => "100::/63 (discard-only RFC 6666, dummy prefix RFC 9780)",
            _ => "outside 2000::/3 (not allocated as global unicast)",
        };
    }

    private static string? Find(Range[] table, IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int length);
        foreach (var range in table)
        {
            if (range.Contains(b[..length]))
            {
                return range.ToString();
            }
        }

        return null;
    }

    private static Range V4(string network, int prefixLength, string name) => new(IPAddress.Parse(network).GetAddressBytes(), prefixLength, name);

    private static Range V6(string network, int prefixLength, string name) => new(IPAddress.Parse(network).GetAddressBytes(), prefixLength, name);

    private sealed record Range(byte[] Network, int PrefixLength, string Name)
    {
        public bool Contains(ReadOnlySpan<byte> address)
        {
            if (address.Length != Network.Length)
            {
                return false;
            }

            int whole = PrefixLength / 8, rest = PrefixLength % 8;
            if (!address[..whole].SequenceEqual(Network.AsSpan(0, whole)))
            {
                return false;
            }

            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (address[whole] & mask) == (Network[whole] & mask);
        }

        public override string ToString() => $"{new IPAddress(Network)}/{PrefixLength} ({Name})";
    }
}
