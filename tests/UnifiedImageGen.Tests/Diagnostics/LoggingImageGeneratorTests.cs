using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Diagnostics;

public class LoggingImageGeneratorTests
{
    private const string Prompt = "a secret product launch poster for Project Nightingale";

    private readonly CapturingLoggerProvider _logs = new();
    private readonly ManualTimeProvider _time = new();

    private IImageGenerator Logged(IImageGenerator inner)
    {
        var factory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        return new LoggingImageGenerator(inner, factory.CreateLogger(DiagnosticsBuilderExtensions.LoggerCategory), _time);
    }

    private static ScriptedImageGenerator Failing(string name, ImageGenerationErrorKind kind) =>
        new(name, (_, _, _) => Task.FromException<ImageGenerationResult>(new ImageGenerationException(kind, $"{name} says {kind}") { Provider = name, Model = "m" }), new ImageModelDescriptor("m", ImageCapabilities.All) { MaxImagesPerCall = 4 });

    [Fact]
    public async Task Success_LogsStartAndFinishAtDebug_FallbacksAtWarning_AndThePromptOnlyAtTrace()
    {
        var router = new FallbackImageGenerator([new ImageRoute(Failing("a", ImageGenerationErrorKind.RateLimited)), new ImageRoute(new ScriptedImageGenerator("b"))], timeProvider: _time);
        var result = await Logged(router).GenerateAsync(new ImageGenerationRequest(Prompt) { Count = 2 });

        Assert.Equal("b", result.Provider);
        var entries = _logs.Entries.ToArray();
        var start = Assert.Single(entries, e => e.EventId.Id == 2001);
        Assert.Equal(LogLevel.Debug, start.Level);
        Assert.Equal("Generating 2 image(s): Generate with router a/m.", start.Message);
        var fallback = Assert.Single(entries, e => e.EventId.Id == 2004);
        Assert.Equal(LogLevel.Warning, fallback.Level);
        Assert.Contains("from a m (Failed, RateLimited)", fallback.Message);
        Assert.Contains("answered by b model-1", fallback.Message);
        var finish = Assert.Single(entries, e => e.EventId.Id == 2003);
        Assert.Equal(LogLevel.Debug, finish.Level);
        Assert.StartsWith("Generated 2 image(s) with b model-1 in ", finish.Message);

        var prompt = Assert.Single(entries, e => e.AllText.Contains(Prompt, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Trace, prompt.Level);
        Assert.Equal(2002, prompt.EventId.Id);
    }

    [Fact]
    public async Task Failure_LogsAnErrorWithTheKind_AndRethrows()
    {
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => Logged(Failing("a", ImageGenerationErrorKind.ContentPolicy)).GenerateAsync(new ImageGenerationRequest(Prompt)));

        var error = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(2006, error.EventId.Id);
        Assert.Same(ex, error.Exception);
        Assert.Equal("Image generation with a m failed after 0 ms: ContentPolicy.", error.Message);
        Assert.DoesNotContain(_logs.Entries, e => e.Level > LogLevel.Trace && e.AllText.Contains(Prompt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WarningsOnTheResult_AreLoggedAtWarning_ThroughTheBuilder()
    {
        var factory = LoggerFactory.Create(b => b.AddProvider(_logs));
        var generator = new ImageGeneratorBuilder(new PlaceholderImageGenerator()).UseLogging(factory).Build();
        await generator.GenerateAsync(new ImageGenerationRequest("x") { OutputFormat = ImageFormat.Jpeg, Size = new ImageSize(64, 64) });

        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == 2005);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("placeholder ", warning.Message);
    }

    [Fact]
    public async Task Cancellation_IsLoggedAtDebug_NotAsAnError()
    {
        using var cts = new CancellationTokenSource();
        var slow = new ScriptedImageGenerator("slow", async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var call = Logged(slow).GenerateAsync(new ImageGenerationRequest("x"), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 2007 && e.Level == LogLevel.Debug);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task UseLogging_InDependencyInjection_LogsThroughTheApplicationsLoggerFactory_IncludingCacheHits()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        services.AddImageGeneration().AddPlaceholder().UseLogging().UseCaching();
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();

        var request = new ImageGenerationRequest(Prompt) { Seed = 7, Size = new ImageSize(64, 64) };
        await generator.GenerateAsync(request);
        await generator.GenerateAsync(request);

        var finished = _logs.Entries.Where(e => e.EventId.Id == 2003).Select(e => e.Category + ": " + e.Message[..e.Message.IndexOf(" in ", StringComparison.Ordinal)]).ToArray();
        Assert.Equal(["UnifiedImageGen: Generated 1 image(s) with placeholder placeholder-v1", "UnifiedImageGen: Generated 1 image(s) with placeholder placeholder-v1"], finished);
        Assert.Contains("from cache: True", _logs.Entries.Last(e => e.EventId.Id == 2003).Message);
        Assert.DoesNotContain(_logs.Entries, e => e.AllText.Contains(Prompt, StringComparison.Ordinal));
    }
}
