using BenchmarkDotNet.Attributes;
using UnifiedImageGen.Http;
using UnifiedImageGen.StabilityAI;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// Raw image bodies: Stability's <c>image/*</c> answer through our provider, and a result URL through the core
/// downloader, each against the floor of one exact-size array filled from the response stream.
/// </summary>
[MemoryDiagnoser]
public class RawBytesBenchmarks
{
    private byte[] _image = [];
    private byte[] _liveHeap = [];
    private HttpClient _client = null!;
    private StabilityAIImageGenerator _stability = null!;
    private ImageDownloader _downloader = null!;
    private readonly Uri _url = new("https://v3.fal.media/files/bench/out.png");

    [Params(1_500_000, 6_000_000)]
    public int ImageBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _liveHeap = Payloads.LiveHeap();
        _image = Payloads.Image(ImageBytes);
        var handler = new StaticHandler(_image, "image/png");
        _client = new HttpClient(handler);
        _stability = new StabilityAIImageGenerator(new HttpClient(handler), new StabilityAIImageGeneratorOptions { ApiKey = "sk-bench" });
        _downloader = new ImageDownloader(new HttpClient(handler), new ImageDownloadOptions(), "bench");
        foreach (var (result, name) in new[] { (Floor().GetAwaiter().GetResult(), "Floor"), (StabilityImage().GetAwaiter().GetResult(), "StabilityImage"), (Download().GetAwaiter().GetResult(), "Download") })
        {
            if (!result.Span.SequenceEqual(_image))
            {
                throw new InvalidOperationException($"{name} did not return the original bytes.");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<ReadOnlyMemory<byte>> Floor()
    {
        using var response = await _client.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead);
        byte[] data = GC.AllocateUninitializedArray<byte>((int)response.Content.Headers.ContentLength!.Value);
        using var stream = await response.Content.ReadAsStreamAsync();
        int read = 0;
        while (read < data.Length)
        {
            read += await stream.ReadAsync(data.AsMemory(read));
        }

        return data;
    }

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> StabilityImage() =>
        (await _stability.GenerateAsync(new ImageGenerationRequest("a red fox"))).Images[0].Data;

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> Download() => (await _downloader.DownloadAsync(_url)).Data;
}
