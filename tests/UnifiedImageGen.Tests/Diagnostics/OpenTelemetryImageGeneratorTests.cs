using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Diagnostics;

// Activity sources and meters are process-wide: tests that listen to them must not run beside each other.
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryCollection))]
public sealed class OpenTelemetryImageGeneratorTests : IDisposable
{
    private const string Prompt = "a secret product launch poster for Project Nightingale";

    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags, object? Scope)> _measurements = new();
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener = new();
    private readonly ManualTimeProvider _time = new();

    public OpenTelemetryImageGeneratorTests()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ImageGenerationTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ImageGenerationTelemetry.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meterListener.Start();
    }

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((instrument.Name, value, new Dictionary<string, object?>(tags.ToArray()), instrument.Meter.Scope));

    private double Sum(string instrument) => _measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    private static ScriptedImageGenerator Failing(string name, ImageGenerationErrorKind kind) =>
        new(name, (_, _, _) => Task.FromException<ImageGenerationResult>(new ImageGenerationException(kind, $"{name} says {kind}") { Provider = name }), new ImageModelDescriptor("m", ImageCapabilities.All) { MaxImagesPerCall = 4 });

    private static ScriptedImageGenerator Priced(string name) =>
        new(name, (request, _, _) => Task.FromResult(ScriptedImageGenerator.Result(name, request) with
        {
            Cost = new ImageCost { EstimatedUsd = 0.04m * request.Count, Basis = "test" },
            Usage = new ImageUsage { InputTokens = 50, OutputTokens = 4160 },
            ProviderRequestId = "req_123",
        }));

    [Fact]
    public async Task AMissThenAHit_AreTracedWithGenAiTags_AndCountedInMetrics()
    {
        // One failure rests route a, so the repeat is a hit in the cache of route b, which answered.
        var router = new FallbackImageGenerator([new ImageRoute(Failing("a", ImageGenerationErrorKind.ProviderUnavailable)), new ImageRoute(Priced("b"))], new FallbackOptions { CircuitFailureThreshold = 1 }, timeProvider: _time);
        var generator = new ImageGeneratorBuilder(router).UseOpenTelemetry().UseCaching(timeProvider: _time).Build();
        var request = new ImageGenerationRequest(Prompt) { Count = 2, Seed = 42 };

        await generator.GenerateAsync(request);
        await generator.GenerateAsync(request);

        var spans = _activities.ToArray();
        Assert.Equal(2, spans.Length);
        var miss = spans[0];
        Assert.Equal("generate_content a/m", miss.DisplayName);
        Assert.Equal(ActivityKind.Client, miss.Kind);
        Assert.Equal("generate_content", miss.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("b", miss.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("a/m", miss.GetTagItem("gen_ai.request.model"));
        Assert.Equal("model-1", miss.GetTagItem("gen_ai.response.model"));
        Assert.Equal("image", miss.GetTagItem("gen_ai.output.type"));
        Assert.Equal(2, miss.GetTagItem("gen_ai.request.choice.count"));
        Assert.Equal(42L, miss.GetTagItem("gen_ai.request.seed"));
        Assert.Equal(50L, miss.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(4160L, miss.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal("req_123", miss.GetTagItem("gen_ai.response.id"));
        Assert.Equal(0.08, (double)miss.GetTagItem("unifiedimagegen.cost.usd")!, 6);
        Assert.Equal(false, miss.GetTagItem("unifiedimagegen.cache.hit"));
        var fallback = Assert.Single(miss.Events);
        Assert.Equal("unifiedimagegen.fallback", fallback.Name);
        Assert.Equal(true, spans[1].GetTagItem("unifiedimagegen.cache.hit"));
        Assert.All(spans, s => Assert.Null(s.GetTagItem("gen_ai.input.messages")));

        Assert.Equal(2, _measurements.Count(m => m.Instrument == "gen_ai.client.operation.duration"));
        Assert.Equal(4, Sum("unifiedimagegen.images.generated"));
        Assert.Equal(1, Sum("unifiedimagegen.cache.hits"));
        Assert.Equal(1, Sum("unifiedimagegen.cache.misses"));
        var fell = Assert.Single(_measurements, m => m.Instrument == "unifiedimagegen.fallbacks");
        Assert.Equal("a", fell.Tags["gen_ai.provider.name"]);
        Assert.Equal("ProviderUnavailable", fell.Tags["error.type"]);
        Assert.Equal(0.08, Sum("unifiedimagegen.cost"), 6);
        Assert.Equal(4210, Sum("gen_ai.client.token.usage"));
        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.client.token.usage" && (string?)m.Tags["gen_ai.token.type"] == "output" && m.Value == 4160);
    }

    [Fact]
    public async Task Failures_SetErrorStatusAndErrorType_OnTheSpanAndTheDuration()
    {
        var generator = new ImageGeneratorBuilder(Failing("a", ImageGenerationErrorKind.ContentPolicy)).UseOpenTelemetry().Build();

        await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest(Prompt)));

        var span = Assert.Single(_activities);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("ContentPolicy", span.GetTagItem("error.type"));
        var duration = Assert.Single(_measurements, m => m.Instrument == "gen_ai.client.operation.duration");
        Assert.Equal("ContentPolicy", duration.Tags["error.type"]);
        Assert.Equal("a", duration.Tags["gen_ai.provider.name"]);
    }

    [Fact]
    public async Task ThePrompt_IsRecordedOnlyWithSensitiveDataEnabled()
    {
        var generator = new ImageGeneratorBuilder(new ScriptedImageGenerator("b")).UseOpenTelemetry(t => t.EnableSensitiveData = true).Build();

        await generator.GenerateAsync(new ImageGenerationRequest(Prompt));

        var span = Assert.Single(_activities);
        Assert.Equal($$"""[{"role":"user","parts":[{"type":"text","content":"{{Prompt}}"}]}]""", span.GetTagItem("gen_ai.input.messages"));
    }

    [Fact]
    public async Task UseOpenTelemetry_InDependencyInjection_UsesTheHostsMeterFactory()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddImageGeneration().AddPlaceholder().UseOpenTelemetry().UseCostTracking();
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(64, 64) });

        var span = Assert.Single(_activities);
        Assert.Equal("placeholder", span.GetTagItem("gen_ai.provider.name"));
        var images = Assert.Single(_measurements, m => m.Instrument == "unifiedimagegen.images.generated");
        Assert.Equal(1, images.Value);
        Assert.Same(provider.GetRequiredService<IMeterFactory>(), images.Scope); // the host's meter, not the shared one
        Assert.Equal(0, Sum("unifiedimagegen.cost"));
    }
}
