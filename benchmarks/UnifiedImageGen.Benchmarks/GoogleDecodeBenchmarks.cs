using System.Text;
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
    private static readonly byte[] InlineData = "data"u8.ToArray();
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
            "\"}}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":1290,\"totalTokenCount\":1302},\"modelVersion\":\"gemini-3.1-flash-image\"}"), "application/json");
        _floorClient = new HttpClient(handler);
        _unified = new GoogleImageGenerator(new HttpClient(handler), new GoogleImageGeneratorOptions { ApiKey = "AIza-bench" });

        Check(Floor().GetAwaiter().GetResult(), nameof(Floor));
        Check(UnifiedGoogle().GetAwaiter().GetResult(), nameof(UnifiedGoogle));
    }

    [GlobalCleanup]
    public void Cleanup() => _unified.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ReadOnlyMemory<byte>> Floor() => LeastWork.DecodeFirstBase64Async(_floorClient, "https://generativelanguage.googleapis.com/v1beta/models/gemini-3.1-flash-image:generateContent", InlineData);

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> UnifiedGoogle() =>
        (await _unified.GenerateAsync(new ImageGenerationRequest("a red fox in snow"))).Images[0].Data;

    private void Check(ReadOnlyMemory<byte> data, string name)
    {
        if (!data.Span.SequenceEqual(_image))
        {
            throw new InvalidOperationException($"{name} did not return the original bytes.");
        }
    }
}
