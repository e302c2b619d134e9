using System.Buffers.Binary;

namespace UnifiedImageGen.Imaging;

/// <summary>
/// The one place that decides whether bytes a provider handed over are an image, and of which type: the magic bytes
/// plus the container's minimal structure (a PNG's chunk chain from <c>IHDR</c> to <c>IEND</c>, a JPEG's segments up to
/// the scan and its end marker, a WebP's RIFF chunk sizes, ...). Base64 results, raw image bodies and downloads all
/// pass through it, so an HTML page, a run of zeros or a truncated file is refused instead of being returned as a PNG.
/// </summary>
/// <remarks>The check walks headers only (a few hundred bytes for a typical image); it does not decode pixels.</remarks>
public static class ImageValidator
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Returns the media type when <paramref name="data"/> is a whole image of a known format, otherwise <see langword="null"/>.</summary>
    /// <param name="data">The complete encoded image.</param>
    public static string? Identify(ReadOnlySpan<byte> data)
    {
        string? sniffed = ImageHeader.SniffMediaType(data);
        bool whole = sniffed switch
        {
            "image/png" => IsWholePng(data),
            "image/jpeg" => IsWholeJpeg(data),
            "image/webp" => IsWholeWebp(data),
            "image/gif" => data.Length >= 14 && data[^1] == 0x3B,
            "image/bmp" => IsWholeBmp(data),
            "image/tiff" => IsWholeTiff(data),
            "image/avif" or "image/heic" => IsWholeIsoMedia(data),
            _ => false,
        };
        return whole ? sniffed : null;
    }

    /// <summary>Returns the media type of a whole image, or throws the typed error a provider's non-image answer becomes.</summary>
    /// <param name="data">The complete encoded image.</param>
    /// <param name="providerName">The provider, for the error.</param>
    /// <param name="source">Where the bytes came from, for the message (such as "the image download").</param>
    /// <param name="model">The model, for the error.</param>
    /// <returns>The media type read from the bytes.</returns>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>: the bytes are no whole image; the message says what they look like, never what they hold.</exception>
    public static string EnsureImage(ReadOnlySpan<byte> data, string? providerName, string source, string? model = null) =>
        Identify(data) ?? throw new ImageGenerationException(
            ImageGenerationErrorKind.UnexpectedResponse,
            $"{(providerName is null ? "The provider" : providerName)}: {source} is not an image ({Describe(data)}, {data.Length:N0} bytes).")
        {
            Provider = providerName,
            Model = model,
        };

    /// <summary>What non-image bytes look like, for error messages (never their content).</summary>
    internal static string Describe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "empty";
        }

        if (!data.ContainsAnyExcept((byte)0))
        {
            return "all zero bytes";
        }

        if (ImageHeader.SniffMediaType(data) is { } type)
        {
            return $"a truncated or malformed {type[6..].ToUpperInvariant()}";
        }

        var start = data[..Math.Min(data.Length, 512)].TrimStart(" \t\r\n\uFEFF"u8);
        if (start.StartsWith("<"u8))
        {
            return "markup such as HTML or XML";
        }

        return start.StartsWith("{"u8) || start.StartsWith("["u8) ? "JSON" : "no known image format";
    }

    // Signature, IHDR first, then chunk after chunk until IEND: a cut-off file or garbage after the header breaks the chain.
    private static bool IsWholePng(ReadOnlySpan<byte> data)
    {
        int offset = PngSignature.Length;
        bool first = true, sawData = false;
        while (offset <= data.Length - 12)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = data.Slice(offset + 4, 4);
            if (length > (uint)(data.Length - offset - 12) || !IsChunkType(type))
            {
                return false;
            }

            if (first && (!type.SequenceEqual("IHDR"u8) || length != 13
                || BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8)..]) == 0 || BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 12)..]) == 0))
            {
                return false;
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return sawData && length == 0;
            }

            sawData |= type.SequenceEqual("IDAT"u8);
            first = false;
            offset += 12 + (int)length;
        }

        return false;
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (!char.IsAsciiLetter((char)b))
            {
                return false;
            }
        }

        return true;
    }

    // Segments with lengths from SOI to the start of scan (a frame header among them), and the EOI marker at the end.
    private static bool IsWholeJpeg(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[^2] != 0xFF || data[^1] != 0xD9)
        {
            return false;
        }

        int offset = 2;
        bool sawFrame = false;
        while (offset <= data.Length - 4)
        {
            if (data[offset] != 0xFF)
            {
                return false;
            }

            byte marker = data[offset + 1];
            if (marker == 0xFF)
            {
                offset++;
                continue;
            }

            if (marker is 0x01 || marker is >= 0xD0 and <= 0xD7)
            {
                offset += 2;
                continue;
            }

            if (marker is 0xD8 or 0xD9 or 0x00)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (length < 2 || offset + 2 + length > data.Length - 2)
            {
                return false;
            }

            if (marker == 0xDA)
            {
                return sawFrame;
            }

            sawFrame |= marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            offset += 2 + length;
        }

        return false;
    }

    // RIFF size covers the file; chunks (padded to even sizes) fill it exactly; the first is VP8, VP8L or VP8X.
    private static bool IsWholeWebp(ReadOnlySpan<byte> data)
    {
        long riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffEnd > data.Length || riffEnd < 20)
        {
            return false;
        }

        var first = data.Slice(12, 4);
        if (!first.SequenceEqual("VP8 "u8) && !first.SequenceEqual("VP8L"u8) && !first.SequenceEqual("VP8X"u8))
        {
            return false;
        }

        long offset = 12;
        while (offset + 8 <= riffEnd)
        {
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data[((int)offset + 4)..]);
            offset += 8 + size + (size & 1);
        }

        return offset == riffEnd || offset == riffEnd + 1;
    }

    private static bool IsWholeBmp(ReadOnlySpan<byte> data)
    {
        uint fileSize = BinaryPrimitives.ReadUInt32LittleEndian(data[2..]);
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        return fileSize >= 26 && fileSize <= data.Length && pixelOffset >= 26 && pixelOffset < fileSize;
    }

    private static bool IsWholeTiff(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            return false;
        }

        bool little = data[0] == (byte)'I';
        uint ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) : BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (ifd < 8 || ifd > (uint)(data.Length - 2))
        {
            return false;
        }

        int entries = little ? BinaryPrimitives.ReadUInt16LittleEndian(data[(int)ifd..]) : BinaryPrimitives.ReadUInt16BigEndian(data[(int)ifd..]);
        return entries > 0 && ifd + 2L + (12L * entries) + 4 <= data.Length;
    }

    // ISO base media (AVIF, HEIC): boxes from ftyp on fill the file exactly.
    private static bool IsWholeIsoMedia(ReadOnlySpan<byte> data)
    {
        long offset = 0;
        int boxes = 0;
        while (offset + 8 <= data.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(data[(int)offset..]);
            if (size == 1)
            {
                if (offset + 16 > data.Length)
                {
                    return false;
                }

                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(data[((int)offset + 8)..]), long.MaxValue);
            }
            else if (size == 0)
            {
                size = data.Length - offset;
            }

            if (size < 8 || size > data.Length - offset)
            {
                return false;
            }

            offset += size;
            boxes++;
        }

        return offset == data.Length && boxes >= 2;
    }
}
