using System.Net;
using System.Text;

namespace UnifiedImageGen.Benchmarks;

/// <summary>Recorded-shape bodies around random image bytes, and a handler that answers every request with one of them without copying it.</summary>
internal static class Payloads
{
    /// <summary>
    /// 64 MB that stays alive through the run, as an application's heap would. The GC sizes its large-object budget by
    /// what survives, so without it the floor (nothing live) ran a blocking gen2 collection every ~10 calls and the
    /// pipeline (its cache holds up to 64 MB) every ~130, and the comparison measured that rather than the code.
    /// </summary>
    public static byte[] LiveHeap()
    {
        var heap = new byte[64 * 1024 * 1024];
        Array.Fill(heap, (byte)1); // committed and touched, like real data
        return heap;
    }

    /// <summary>A PNG of exactly <paramref name="size"/> bytes with a whole chunk structure (the SDK checks it) around random data.</summary>
    public static byte[] Image(int size)
    {
        var image = new byte[size];
        var span = image.AsSpan();
        new Random(size).NextBytes(span[41..^12]);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(span);
        Chunk(span[8..], 13, "IHDR"u8);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span[16..], 1024);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span[20..], 1024);
        span[24] = 8;
        span[25] = 6;
        Chunk(span[33..], size - 57, "IDAT"u8);
        Chunk(span[^12..], 0, "IEND"u8);
        return image;

        static void Chunk(Span<byte> at, int length, ReadOnlySpan<byte> type)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(at, (uint)length);
            type.CopyTo(at[4..]);
        }
    }

    public static byte[] OpenAIJson(byte[] image) => Encoding.UTF8.GetBytes(
        "{\"created\":1745430000,\"background\":\"opaque\",\"data\":[{\"b64_json\":\"" + Convert.ToBase64String(image) +
        "\"}],\"output_format\":\"png\",\"quality\":\"high\",\"size\":\"1024x1024\",\"usage\":{\"input_tokens\":50,\"input_tokens_details\":{\"image_tokens\":0,\"text_tokens\":50},\"output_tokens\":4160,\"total_tokens\":4210}}");
}

/// <summary>Answers with the same body every time (shared array, known length), as a socket would hand the bytes over.</summary>
internal sealed class StaticHandler(byte[] body, string contentType) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        content.Headers.ContentLength = body.Length;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
