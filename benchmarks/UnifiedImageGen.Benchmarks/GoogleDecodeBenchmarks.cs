using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using UnifiedImageGen.Google;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// One Gemini <c>generateContent</c> answer with the image inline (<c>inlineData.data</c>, 1.5 MB and 6 MB images):
/// the least-work floor (the body into a pooled buffer, one <see cref="Utf8JsonReader"/> pass, one exact-size decode)
/// against our Google provider. The setup checks both return the original bytes.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(5)]
[IterationCount(15)] // the time targets are ratios within 10%: three iterations on two shared cores vary more than that, also under "--job short"
public class GoogleDecodeBenchmarks
{
    private byte[] _image = [];
    private byte[] _liveHeap = [];
    private HttpClient _floorClient = null!;
    private GoogleImageGenerator _unified = null!;

    [Params(1_500_000, 6_000_000)]
    public int ImageBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _liveHeap = Payloads.LiveHeap();
        _image = Payloads.Image(ImageBytes);
        var handler = new StaticHandler(Encoding.UTF8.GetBytes(
            "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Here is a red fox in the snow.\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" +
            Convert.ToBase64String(_image) +
            "\"}}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":1290,\"totalTokenCount\":1302},\"modelVersion\":\"gemini-2.5-flash-image\"}"), "application/json");
        _floorClient = new HttpClient(handler);
        _unified = new GoogleImageGenerator(new HttpClient(handler), new GoogleImageGeneratorOptions { ApiKey = "AIza-bench" });

        Check(Floor().GetAwaiter().GetResult(), nameof(Floor));
        Check(UnifiedGoogle().GetAwaiter().GetResult(), nameof(UnifiedGoogle));
    }

    [GlobalCleanup]
    public void Cleanup() => _unified.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<ReadOnlyMemory<byte>> Floor()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash-image:generateContent");
        using var response = await _floorClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
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

            return DecodeInlineData(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> UnifiedGoogle() =>
        (await _unified.GenerateAsync(new ImageGenerationRequest("a red fox in snow"))).Images[0].Data;

    private static byte[] DecodeInlineData(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data"u8))
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

    private void Check(ReadOnlyMemory<byte> data, string name)
    {
        if (!data.Span.SequenceEqual(_image))
        {
            throw new InvalidOperationException($"{name} did not return the original bytes.");
        }
    }
}
