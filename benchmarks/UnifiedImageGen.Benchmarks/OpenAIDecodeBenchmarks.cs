using System.ClientModel;
using System.ClientModel.Primitives;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Images;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Routing;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// One OpenAI <c>b64_json</c> answer (1.5 MB and 6 MB images, and 3 KB to show the per-call overhead) through: the
/// least work HttpClient and System.Text.Json allow (the floor), the official OpenAI SDK, our provider, our DI pipeline
/// on a miss, and our pipeline on a cache hit. Every case reads the same in-memory handler with the same live heap; the
/// setup checks each returns the original bytes.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(5)]
[IterationCount(15)] // the time targets are ratios within 10%: three iterations on two shared cores vary more than that, also under "--job short"
public class OpenAIDecodeBenchmarks
{
    private static readonly byte[] B64Json = "b64_json"u8.ToArray();
    private byte[] _image = [];
    private HttpClient _floorClient = null!;
    private ImageClient _sdk = null!;
    private OpenAIImageGenerator _unified = null!;
    private IImageGenerator _pipeline = null!;
    private ServiceProvider _services = null!;
    private long _seed;
    private byte[] _liveHeap = [];

    // 3 KB isolates what the SDK adds per call from the per-byte work (the same decoder and pooled buffer as the floor).
    [Params(3_000, 1_500_000, 6_000_000)]
    public int ImageBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _liveHeap = Payloads.LiveHeap();
        _image = Payloads.Image(ImageBytes);
        var handler = new StaticHandler(Payloads.OpenAIJson(_image), "application/json");
        _floorClient = new HttpClient(handler);
        _sdk = new ImageClient("gpt-image-1", new ApiKeyCredential("sk-bench"), new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(new HttpClient(handler)) });
        _unified = new OpenAIImageGenerator(new HttpClient(handler), new OpenAIImageGeneratorOptions { ApiKey = "sk-bench", DefaultModel = "gpt-image-1" });

        var services = new ServiceCollection();
        services.AddImageGeneration()
            .AddOpenAI(o => (o.ApiKey, o.DefaultModel) = ("sk-bench", "gpt-image-1"), configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => handler))
            .UseFallback("openai/gpt-image-1")
            .UseCaching(c => c.MemoryMaxBytes = 8L * 1024 * 1024) // a miss stores the image; a few images at most, so every case lives with the same heap
            .UseCostTracking();
        _services = services.BuildServiceProvider();
        _pipeline = _services.GetRequiredService<IImageGenerator>();

        Check(Floor().GetAwaiter().GetResult(), nameof(Floor));
        Check(OpenAISdk().GetAwaiter().GetResult(), nameof(OpenAISdk));
        Check(UnifiedOpenAI().GetAwaiter().GetResult(), nameof(UnifiedOpenAI));
        Check(UnifiedPipeline().GetAwaiter().GetResult(), nameof(UnifiedPipeline));
        Check(UnifiedCacheHit().GetAwaiter().GetResult(), nameof(UnifiedCacheHit));
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ReadOnlyMemory<byte>> Floor() => LeastWork.DecodeFirstBase64Async(_floorClient, "https://api.openai.com/v1/images/generations", B64Json);

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> OpenAISdk()
    {
        var image = await _sdk.GenerateImageAsync("a red fox in snow");
        return image.Value.ImageBytes.ToArray();
    }

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> UnifiedOpenAI() =>
        (await _unified.GenerateAsync(new ImageGenerationRequest("a red fox in snow"))).Images[0].Data;

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> UnifiedPipeline() =>
        (await _pipeline.GenerateAsync(new ImageGenerationRequest("a red fox in snow") { Seed = Interlocked.Increment(ref _seed) })).Images[0].Data;

    [Benchmark]
    public async Task<ReadOnlyMemory<byte>> UnifiedCacheHit() =>
        (await _pipeline.GenerateAsync(new ImageGenerationRequest("a cached fox") { Seed = 1 })).Images[0].Data;

    private void Check(ReadOnlyMemory<byte> data, string name)
    {
        if (!data.Span.SequenceEqual(_image))
        {
            throw new InvalidOperationException($"{name} did not return the original bytes.");
        }
    }
}
