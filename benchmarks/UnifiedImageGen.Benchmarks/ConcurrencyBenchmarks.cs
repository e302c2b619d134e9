using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.OpenAI;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// 200 concurrent generate calls over real loopback sockets against a Kestrel server speaking the OpenAI images
/// protocol (a 64 KB image each): our DI pipeline (resilience handler and all) against plain <see cref="HttpClient"/>
/// calls that read the body and decode the image. Reported per call (OperationsPerInvoke = 200), with calls per second
/// in the Op/s column. Client and server share two cores, so a three-iteration run is too noisy to compare: this class
/// always takes 15 iterations after 5 warm-ups, also under "--job short".
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[WarmupCount(5)]
[IterationCount(15)]
public class ConcurrencyBenchmarks
{
    private const int Calls = 200;
    private WebApplication _server = null!;
    private Uri _endpoint = null!;
    private HttpClient _plain = null!;
    private ServiceProvider _services = null!;
    private IImageGenerator _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        byte[] body = Payloads.OpenAIJson(Payloads.Image(64 * 1024));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/v1/images/generations", () => Results.Bytes(body, "application/json"));
        _server.StartAsync().GetAwaiter().GetResult();
        _endpoint = new Uri(_server.Urls.First() + "/v1/");
        _plain = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

        var services = new ServiceCollection();
        services.AddImageGeneration().AddOpenAI(o => (o.ApiKey, o.Endpoint, o.DefaultModel) = ("sk-bench", _endpoint, "gpt-image-1"));
        _services = services.BuildServiceProvider();
        _pipeline = _services.GetRequiredService<IImageGenerator>();
        PlainHttpClient().GetAwaiter().GetResult();
        UnifiedPipeline().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _plain.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task PlainHttpClient() => Task.WhenAll(Enumerable.Range(0, Calls).Select(async _ =>
    {
        using var response = await _plain.PostAsync(new Uri(_endpoint, "images/generations"), new StringContent("{\"prompt\":\"a fox\",\"model\":\"gpt-image-1\"}"));
        byte[] json = await response.Content.ReadAsByteArrayAsync();
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("data")[0].GetProperty("b64_json").GetBytesFromBase64();
    }));

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task UnifiedPipeline() => Task.WhenAll(Enumerable.Range(0, Calls).Select(_ => _pipeline.GenerateAsync(new ImageGenerationRequest("a fox"))));

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
