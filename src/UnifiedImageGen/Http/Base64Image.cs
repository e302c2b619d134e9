using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Http;

/// <summary>
/// Decodes base64 image payloads straight from UTF-8 bytes into one exact-size array, without building a string, and
/// checks that what they decode to is a whole image (<see cref="ImageValidator"/>).
/// </summary>
public static class Base64Image
{
    /// <summary>Decodes base64 (standard alphabet, padded or not) from UTF-8 bytes.</summary>
    /// <param name="utf8Base64">The base64 text as UTF-8.</param>
    /// <returns>The decoded image, in an array of exactly its length.</returns>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>: the text is not valid base64, or decodes to bytes that are not a whole image (HTML, zeros, a truncated file).</exception>
    public static byte[] Decode(ReadOnlySpan<byte> utf8Base64)
    {
        byte[] data = DecodeBytes(utf8Base64);
        if (ImageValidator.Identify(data) is null)
        {
            throw Invalid($"the decoded bytes are not an image ({ImageValidator.Describe(data)}, {data.Length:N0} bytes)");
        }

        return data;
    }

    private static byte[] DecodeBytes(ReadOnlySpan<byte> utf8Base64)
    {
        int padding = utf8Base64.EndsWith("=="u8) ? 2 : utf8Base64.EndsWith("="u8) ? 1 : 0;
        int unpadded = utf8Base64.Length - padding;
        int exact = (int)((long)unpadded * 3 / 4);
        byte[] data = GC.AllocateUninitializedArray<byte>(exact);
        var status = Base64.DecodeFromUtf8(utf8Base64, data, out int consumed, out int written, isFinalBlock: true);
        if (status == OperationStatus.Done && written == exact)
        {
            return data;
        }

        // Unusual input (line breaks, missing padding): decode into a scratch buffer and trim.
        return DecodeSlow(utf8Base64);
    }

    /// <summary>Decodes the base64 string the reader is positioned on, handling JSON escapes such as <c>\/</c>.</summary>
    /// <param name="reader">A reader positioned on a string token.</param>
    /// <exception cref="ImageGenerationException">The token is not a string of valid base64, or not of an image.</exception>
    public static byte[] Decode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Invalid($"expected a base64 string but found {reader.TokenType}");
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Decode(reader.ValueSpan);
        }

        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        byte[] scratch = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int copied = reader.CopyString(scratch);
            return Decode(scratch.AsSpan(0, copied));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Decodes a <c>data:image/png;base64,...</c> URI.</summary>
    /// <param name="dataUri">The URI text.</param>
    /// <param name="mediaType">The media type it declares.</param>
    /// <returns>The decoded bytes.</returns>
    /// <exception cref="ImageGenerationException">The text is not a base64 data URI, or not of an image.</exception>
    public static byte[] DecodeDataUri(ReadOnlySpan<char> dataUri, out string mediaType)
    {
        int comma = dataUri.IndexOf(',');
        if (!dataUri.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            throw Invalid("expected a data: URI");
        }

        var header = dataUri[5..comma];
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("the data: URI is not base64-encoded");
        }

        mediaType = header[..^";base64".Length].ToString();
        if (mediaType.Length == 0)
        {
            mediaType = "application/octet-stream";
        }

        var payload = dataUri[(comma + 1)..];
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(payload.Length);
        try
        {
            int count = System.Text.Encoding.ASCII.GetBytes(payload, utf8);
            return Decode(utf8.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static byte[] DecodeSlow(ReadOnlySpan<byte> utf8Base64)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(utf8Base64.Length) + 3);
        try
        {
            // Strip white space and add missing padding, then decode.
            byte[] clean = ArrayPool<byte>.Shared.Rent(utf8Base64.Length + 3);
            try
            {
                int n = 0;
                foreach (byte b in utf8Base64)
                {
                    if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
                    {
                        clean[n++] = b;
                    }
                }

                while (n % 4 != 0)
                {
                    clean[n++] = (byte)'=';
                }

                var status = Base64.DecodeFromUtf8(clean.AsSpan(0, n), scratch, out _, out int written);
                if (status != OperationStatus.Done)
                {
                    throw Invalid("the image data is not valid base64");
                }

                return scratch.AsSpan(0, written).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(clean);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static ImageGenerationException Invalid(string what) =>
        new(ImageGenerationErrorKind.UnexpectedResponse, $"The provider's image payload could not be decoded: {what}.");
}
