using System.Buffers.Binary;
using System.IO.Compression;

namespace UnifiedImageGen.Imaging;

/// <summary>
/// Reads a PNG into 8-bit RGBA, enough for masks: providers disagree on what marks the area to repaint (transparent,
/// white, black: PROVIDERS.md 13.12), so a mask must be read before it can be converted.
/// </summary>
public static class PngDecoder
{
    /// <summary>The most pixels decoded (a header can claim any size; the RGBA buffer is allocated from it).</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>Decodes a non-interlaced PNG of any color type and bit depth to 8-bit RGBA.</summary>
    /// <param name="png">The file's bytes.</param>
    /// <param name="width">The width.</param>
    /// <param name="height">The height.</param>
    /// <param name="rgba">Four bytes a pixel, rows top to bottom.</param>
    /// <returns>False for anything else: not a PNG, interlaced, broken, or above <see cref="MaxPixels"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> png, out int width, out int height, out byte[] rgba)
    {
        (width, height, rgba) = (0, 0, []);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 33 || !png[..8].SequenceEqual(signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        width = BinaryPrimitives.ReadInt32BigEndian(png[16..]);
        height = BinaryPrimitives.ReadInt32BigEndian(png[20..]);
        int depth = png[24], colorType = png[25], interlace = png[28];
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (channels == 0 || depth is not (1 or 2 or 4 or 8 or 16) || interlace != 0 || width <= 0 || height <= 0 || (long)width * height > MaxPixels)
        {
            return false;
        }

        byte[] palette = [];
        byte[] paletteAlpha = [];
        int? keyLevel = null;
        using var idat = new MemoryStream();
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            if (length < 0 || at + 12 + length > png.Length)
            {
                return false;
            }

            var type = png.Slice(at + 4, 4);
            var data = png.Slice(at + 8, length);
            if (type.SequenceEqual("PLTE"u8))
            {
                palette = data.ToArray();
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                // Palette: alpha per entry; gray: one transparent level. RGB colour keys are ignored (mask tools do not write them).
                paletteAlpha = data.ToArray();
                keyLevel = data.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(data) : null;
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        int bitsPerPixel = channels * depth;
        int stride = (width * bitsPerPixel + 7) / 8, bpp = Math.Max(1, bitsPerPixel / 8);
        rgba = new byte[width * height * 4];
        try
        {
            idat.Position = 0;
            using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
            byte[] previous = new byte[stride], row = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                int filter = inflater.ReadByte();
                inflater.ReadExactly(row);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                    row[i] = (byte)(row[i] + filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => throw new InvalidDataException() });
                }

                for (int x = 0; x < width; x++)
                {
                    Span<byte> pixel = rgba.AsSpan((y * width + x) * 4, 4);
                    int Sample(int channel) => depth switch
                    {
                        8 => row[x * channels + channel],
                        16 => row[(x * channels + channel) * 2],
                        _ => (row[x * depth / 8] >> (8 - depth - (x * depth % 8))) & ((1 << depth) - 1),
                    };

                    int Scale(int value) => depth >= 8 ? value : value * 255 / ((1 << depth) - 1);
                    switch (colorType)
                    {
                        case 3:
                            int index = Sample(0);
                            if (index * 3 + 2 >= palette.Length)
                            {
                                return false;
                            }

                            (pixel[0], pixel[1], pixel[2]) = (palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2]);
                            pixel[3] = index < paletteAlpha.Length ? paletteAlpha[index] : (byte)255;
                            break;
                        case 0 or 4:
                            int raw = Sample(0);
                            pixel[0] = pixel[1] = pixel[2] = (byte)Scale(raw);
                            pixel[3] = colorType == 4 ? (byte)Sample(1) : keyLevel is { } key && (depth == 16 ? key >> 8 : key) == raw ? (byte)0 : (byte)255;
                            break;
                        default:
                            (pixel[0], pixel[1], pixel[2]) = ((byte)Sample(0), (byte)Sample(1), (byte)Sample(2));
                            pixel[3] = colorType == 6 ? (byte)Sample(3) : (byte)255;
                            break;
                    }
                }

                (previous, row) = (row, previous);
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            return false;
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
