using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// The floor the JSON cases are measured against: the least work HttpClient and System.Text.Json allow.
/// <c>SendAsync</c> with <c>ResponseHeadersRead</c>, the body streamed into a pooled buffer, one
/// <see cref="Utf8JsonReader"/> pass to the first base64 property of the given name, and one decode from the UTF-8 span
/// into an exact-size array.
/// </summary>
internal static class LeastWork
{
    public static async Task<ReadOnlyMemory<byte>> DecodeFirstBase64Async(HttpClient client, string url, byte[] propertyName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        int length = (int)response.Content.Headers.ContentLength!.Value;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            using (var stream = await response.Content.ReadAsStreamAsync())
            {
                int read = 0;
                while (read < length)
                {
                    read += await stream.ReadAsync(buffer.AsMemory(read, length - read));
                }
            }

            return DecodeFirst(buffer.AsSpan(0, length), propertyName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] DecodeFirst(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(propertyName))
            {
                reader.Read();
                var base64 = reader.ValueSpan;
                int padding = base64.EndsWith("=="u8) ? 2 : base64.EndsWith("="u8) ? 1 : 0;
                var image = GC.AllocateUninitializedArray<byte>((base64.Length - padding) * 3 / 4);
                Base64.DecodeFromUtf8(base64, image, out _, out _);
                return image;
            }
        }

        throw new InvalidOperationException("no image");
    }
}
