using System.Numerics;
using System.Security.Cryptography;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>
/// A test-only Ed25519 signer (RFC 8032 section 5.1.5-5.1.6, the reference code transcribed with BigInteger), so the
/// SDK's verify-only implementation can be fed real signatures from keys a test controls. Slow and not constant-time:
/// never use it outside tests.
/// </summary>
public static class Ed25519Signer
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger D = Mod(-121665 * Inv(121666));
    private static readonly BigInteger I = BigInteger.ModPow(2, (P - 1) / 4, P);
    private static readonly (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) B = BasePoint();

    public static byte[] PublicKey(ReadOnlySpan<byte> seed)
    {
        var (a, _) = Expand(seed);
        return Encode(Multiply(a, B));
    }

    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        var (a, prefix) = Expand(seed);
        byte[] publicKey = Encode(Multiply(a, B));
        var r = FromLittleEndian(SHA512.HashData([.. prefix, .. message])) % L;
        byte[] rEncoded = Encode(Multiply(r, B));
        var k = FromLittleEndian(SHA512.HashData([.. rEncoded, .. publicKey, .. message])) % L;
        var s = (r + (k * a)) % L;
        return [.. rEncoded, .. ToLittleEndian(s, 32)];
    }

    private static (BigInteger A, byte[] Prefix) Expand(ReadOnlySpan<byte> seed)
    {
        byte[] h = SHA512.HashData(seed);
        byte[] scalar = h[..32];
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        return (FromLittleEndian(scalar), h[32..]);
    }

    private static BigInteger Mod(BigInteger x) => ((x % P) + P) % P;

    private static BigInteger Inv(BigInteger x) => BigInteger.ModPow(Mod(x), P - 2, P);

    private static (BigInteger, BigInteger, BigInteger, BigInteger) Add((BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) p, (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(2 * p.T * q.T * D);
        var d = Mod(2 * p.Z * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return (Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static (BigInteger, BigInteger, BigInteger, BigInteger) Multiply(BigInteger s, (BigInteger, BigInteger, BigInteger, BigInteger) point)
    {
        (BigInteger, BigInteger, BigInteger, BigInteger) q = (0, 1, 1, 0);
        while (s > 0)
        {
            if (!s.IsEven)
            {
                q = Add(q, point);
            }

            point = Add(point, point);
            s >>= 1;
        }

        return q;
    }

    private static byte[] Encode((BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) point)
    {
        var zi = Inv(point.Z);
        var x = Mod(point.X * zi);
        var y = Mod(point.Y * zi);
        byte[] bytes = ToLittleEndian(y, 32);
        bytes[31] |= (byte)((x.IsEven ? 0 : 1) << 7);
        return bytes;
    }

    private static (BigInteger, BigInteger, BigInteger, BigInteger) BasePoint()
    {
        var y = Mod(4 * Inv(5));
        var x2 = Mod((y * y - 1) * Inv((D * y * y) + 1));
        var x = BigInteger.ModPow(x2, (P + 3) / 8, P);
        if (Mod((x * x) - x2) != 0)
        {
            x = Mod(x * I);
        }

        if (!x.IsEven)
        {
            x = P - x;
        }

        return (x, y, 1, Mod(x * y));
    }

    private static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    private static byte[] ToLittleEndian(BigInteger value, int length)
    {
        byte[] bytes = new byte[length];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }
}
