using System.Buffers.Binary;
using System.IO.Compression;

namespace UnifiedImageGen.ComfyUI;

/// <summary>
/// Chooses the <c>LoadImageMask</c> channel that reads a request's mask the way the other providers do (PROVIDERS.md
/// 13.12): nodes.py <c>LoadImageMask.load_image</c> gives 1 - alpha for <c>"alpha"</c> (transparent repaints, OpenAI's
/// convention) and the channel's level for <c>"red"</c> (white repaints, Stability's and BFL's). A mask with any
/// transparent pixel is read by its alpha; an opaque one (black and white, RGB or JPEG) by its red level.
/// </summary>
internal static class ComfyUIMasks
{
    public static string Channel(ReadOnlySpan<byte> image) => HasTransparency(image) ? "alpha" : "red";

    // Decodes only 8-bit gray+alpha and RGBA PNGs (what mask tools write); other alpha PNGs count as transparent.
    internal static bool HasTransparency(ReadOnlySpan<byte> png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 33 || !png[..8].SequenceEqual(signature))
        {
            return false;
        }

        int width = BinaryPrimitives.ReadInt32BigEndian(png[16..]), height = BinaryPrimitives.ReadInt32BigEndian(png[20..]);
        byte depth = png[24], colorType = png[25], interlace = png[28];
        using var idat = new MemoryStream();
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            if (length < 0 || at + 12 + length > png.Length)
            {
                break;
            }

            var type = png.Slice(at + 4, 4);
            if (type.SequenceEqual("tRNS"u8))
            {
                return true;
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(png.Slice(at + 8, length));
            }

            at += 12 + length;
        }

        if (colorType is not (4 or 6))
        {
            return false;
        }

        int channels = colorType == 6 ? 4 : 2;
        if (depth != 8 || interlace != 0 || width <= 0 || height <= 0 || (long)width * channels > 1 << 26)
        {
            return true;
        }

        try
        {
            idat.Position = 0;
            using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
            int stride = width * channels;
            byte[] previous = new byte[stride], row = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                int filter = inflater.ReadByte();
                inflater.ReadExactly(row);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= channels ? row[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                    row[i] = (byte)(row[i] + filter switch { 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => 0 });
                }

                for (int i = channels - 1; i < stride; i += channels)
                {
                    if (row[i] != 255)
                    {
                        return true;
                    }
                }

                (previous, row) = (row, previous);
            }

            return false;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            return true; // unreadable: keep the alpha reading, the first convention of ImageGenerationRequest.Mask
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
