using System.Buffers.Binary;
using System.IO.Compression;

namespace UnifiedImageGen.Imaging;

/// <summary>
/// A minimal PNG encoder: 8-bit RGBA, no filtering, one IDAT chunk compressed with <see cref="ZLibStream"/>.
/// Enough for the offline placeholder images; any standard decoder reads its output.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes RGBA pixels (4 bytes a pixel, rows top to bottom) as PNG.</summary>
    /// <param name="rgba">Exactly width x height x 4 bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="level">The compression level; <see cref="CompressionLevel.Fastest"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="rgba"/> has the wrong length.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> rgba, int width, int height, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int stride = checked(width * 4);
        if (rgba.Length != checked(stride * height))
        {
            throw new ArgumentException($"Expected {stride * height} bytes of RGBA pixels for {width}x{height}; got {rgba.Length}.", nameof(rgba));
        }

        using var compressed = new MemoryStream(capacity: Math.Max(1024, rgba.Length / 4));
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            Span<byte> filter = [0]; // filter type None before each row
            for (int y = 0; y < height; y++)
            {
                zlib.Write(filter);
                zlib.Write(rgba.Slice(y * stride, stride));
            }
        }

        using var png = new MemoryStream(capacity: (int)compressed.Length + 64);
        png.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)height);
        header[8] = 8;  // bit depth
        header[9] = 6;  // colour type RGBA
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "tEXt"u8, "Software\0UnifiedImageGen placeholder"u8);
        WriteChunk(png, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        stream.Write(word);
        stream.Write(type);
        stream.Write(data);
        uint crc = Crc32.Append(Crc32.Append(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }
}

/// <summary>CRC-32 (ISO-HDLC, the polynomial PNG and zip use).</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    /// <summary>Continues a running CRC (pre-inverted state, not yet finalised).</summary>
    /// <param name="crc">The running state; start with 0xFFFFFFFF.</param>
    /// <param name="data">More bytes.</param>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
