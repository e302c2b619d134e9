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

    public static byte[] Image(int size)
    {
        var image = new byte[size];
        new Random(size).NextBytes(image);
        image[0] = 0x89; // a PNG signature, so the bytes sniff as an image
        "PNG\r\n\u001a\n"u8.CopyTo(image.AsSpan(1));
        return image;
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
