using System.Numerics;
using System.Security.Cryptography;

namespace UnifiedImageGen.Fal.Webhooks;

/// <summary>
/// Ed25519 signature verification (RFC 8032, section 5.1.7), written out because no Ed25519 package is available to
/// this SDK and .NET has none built in. It follows the RFC's reference code: points in extended homogeneous
/// coordinates over GF(2^255 - 19), the cofactorless check [S]B == R + [k]A. It verifies only: there are no secret
/// keys here, so timing does not leak anything worth protecting (keys and signatures are public).
/// </summary>
internal static class Ed25519
{
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    // The field prime p = 2^255 - 19 and the group order L = 2^252 + 27742317777372353535851937790883648493.
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    // The curve constant d = -121665 / 121666 and sqrt(-1) = 2^((p-1)/4).
    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    // The base point B: y = 4/5, x the even root.
    private static readonly Point BasePoint = CreateBasePoint();

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        if (Decompress(publicKey) is not { } a || Decompress(signature[..32]) is not { } r)
        {
            return false;
        }

        var s = new BigInteger(signature[32..], isUnsigned: true, isBigEndian: false);
        if (s >= L)
        {
            return false; // RFC 8032 requires S < L (no malleable signatures)
        }

        // k = SHA-512(R || A || M) mod L
        byte[] hashInput = new byte[64 + message.Length];
        signature[..32].CopyTo(hashInput);
        publicKey.CopyTo(hashInput.AsSpan(32));
        message.CopyTo(hashInput.AsSpan(64));
        var k = new BigInteger(SHA512.HashData(hashInput), isUnsigned: true, isBigEndian: false) % L;

        return Equal(Multiply(BasePoint, s), Add(r, Multiply(a, k)));
    }

    private static Point CreateBasePoint()
    {
        var y = Mod(4 * Inverse(5));
        var x = RecoverX(y, sign: 0)!.Value;
        return new Point(x, y, 1, Mod(x * y));
    }

    private static Point? Decompress(ReadOnlySpan<byte> encoded)
    {
        var y = new BigInteger(encoded, isUnsigned: true, isBigEndian: false);
        int sign = (int)(y >> 255);
        y &= (BigInteger.One << 255) - 1;
        return RecoverX(y, sign) is { } x ? new Point(x, y, 1, Mod(x * y)) : null;
    }

    private static BigInteger? RecoverX(BigInteger y, int sign)
    {
        if (y >= P)
        {
            return null;
        }

        var x2 = Mod((y * y - 1) * Inverse(D * y * y + 1));
        if (x2.IsZero)
        {
            return sign == 0 ? BigInteger.Zero : null;
        }

        // Candidate root x = x2^((p+3)/8); if x^2 = -x2 instead, multiply by sqrt(-1).
        var x = BigInteger.ModPow(x2, (P + 3) / 8, P);
        if (!Mod(x * x - x2).IsZero)
        {
            x = Mod(x * SqrtMinusOne);
        }

        if (!Mod(x * x - x2).IsZero)
        {
            return null;
        }

        if ((int)(x & 1) != sign)
        {
            x = P - x;
        }

        return x;
    }

    private static Point Add(Point p, Point q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(2 * p.T * q.T * D);
        var d = Mod(2 * p.Z * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static Point Multiply(Point point, BigInteger scalar)
    {
        var result = new Point(0, 1, 1, 0); // the neutral element
        while (scalar > 0)
        {
            if (!scalar.IsEven)
            {
                result = Add(result, point);
            }

            point = Add(point, point);
            scalar >>= 1;
        }

        return result;
    }

    // x1/z1 == x2/z2 and y1/z1 == y2/z2, without divisions.
    private static bool Equal(Point p, Point q) =>
        Mod(p.X * q.Z - q.X * p.Z).IsZero && Mod(p.Y * q.Z - q.Y * p.Z).IsZero;

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), P - 2, P);

    private static BigInteger Mod(BigInteger value)
    {
        var r = value % P;
        return r.Sign < 0 ? r + P : r;
    }

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
