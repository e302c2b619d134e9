using System.Buffers.Binary;

namespace UnifiedImageGen.Imaging;

/// <summary>
/// Reads the format and pixel dimensions from the first bytes of an encoded image, without decoding it.
/// Knows PNG, JPEG, WebP, GIF, BMP, TIFF and AVIF/HEIC by their magic bytes.
/// </summary>
public static class ImageHeader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Returns the media type the bytes start with (<c>"image/png"</c>, ...), or <see langword="null"/> when they are no known image.</summary>
    /// <param name="data">The start of the file; 32 bytes are enough.</param>
    public static string? SniffMediaType(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature))
        {
            return "image/png";
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return "image/jpeg";
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return "image/tiff";
        }

        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = data[8..12];
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            {
                return "image/avif";
            }

            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8))
            {
                return "image/heic";
            }
        }

        if (data.Length >= 26 && data.StartsWith("BM"u8))
        {
            return "image/bmp";
        }

        return null;
    }

    /// <summary>Reads the width and height from a PNG, JPEG, WebP, GIF or BMP header.</summary>
    /// <param name="data">The encoded image (for JPEG the dimensions may sit after large metadata segments).</param>
    /// <param name="size">The dimensions when found.</param>
    /// <returns><see langword="true"/> when the dimensions were found and are plausible.</returns>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out ImageSize size)
    {
        size = default;
        long width, height;
        switch (SniffMediaType(data))
        {
            case "image/png" when data.Length >= 24 && data[12..16].SequenceEqual("IHDR"u8):
                width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
                height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
                break;
            case "image/gif" when data.Length >= 10:
                width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
                height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
                break;
            case "image/bmp":
                width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
                height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
                break;
            case "image/webp" when TryReadWebp(data, out width, out height):
                break;
            case "image/jpeg" when TryReadJpeg(data, out width, out height):
                break;
            default:
                return false;
        }

        if (width is < 1 or > ImageSize.MaxSide * 4 || height is < 1 or > ImageSize.MaxSide * 4)
        {
            return false;
        }

        // Inputs may be larger than anything we generate; clamp into the ImageSize range only when it fits.
        if (width > ImageSize.MaxSide || height > ImageSize.MaxSide)
        {
            return false;
        }

        size = new ImageSize((int)width, (int)height);
        return true;
    }

    private static bool TryReadWebp(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        if (data.Length < 30)
        {
            return false;
        }

        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
            return data[23] == 0x9D && data[24] == 0x01 && data[25] == 0x2A;
        }

        if (chunk.SequenceEqual("VP8L"u8) && data[20] == 0x2F)
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            width = (bits & 0x3FFF) + 1;
            height = ((bits >> 14) & 0x3FFF) + 1;
            return true;
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            width = (data[24] | (data[25] << 8) | (data[26] << 16)) + 1;
            height = (data[27] | (data[28] << 8) | (data[29] << 16)) + 1;
            return true;
        }

        return false;
    }

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        int offset = 2;
        while (offset + 9 < data.Length)
        {
            if (data[offset] != 0xFF)
            {
                return false;
            }

            byte marker = data[offset + 1];
            if (marker == 0xFF)
            {
                offset++; // fill byte
                continue;
            }

            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7)
            {
                offset += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            bool isStartOfFrame = marker is >= 0xC0 and <= 0xCF && marker is not 0xC4 and not 0xC8 and not 0xCC;
            if (isStartOfFrame)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 7)..]);
                return true;
            }

            if (length < 2)
            {
                return false;
            }

            offset += 2 + length;
        }

        return false;
    }
}
