using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Caching;

/// <summary>The cache in the README's composition: <c>UseFallback(...).UseCaching().UseCostTracking()</c>.</summary>
public class CachingPipelineTests
{
    private readonly ManualTimeProvider _time = new();

    private static ScriptedImageGenerator Switchable(string name, Func<bool> isDown) => new(name, (request, _, _) => isDown()
        ? Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"{name} is down") { Provider = name })
        : Task.FromResult(ScriptedImageGenerator.Result(name, request)));

    private ServiceProvider Pipeline(ScriptedImageGenerator primary, int circuitFailureThreshold = 3, ScriptedImageGenerator? backup = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        var images = services.AddImageGeneration().AddProvider("primary", _ => primary);
        if (backup is not null)
        {
            images.AddProvider("backup", _ => backup);
        }

        images.AddPlaceholder(o => (o.DefaultWidth, o.DefaultHeight) = (32, 32))
            .UseFallback(o =>
            {
                o.Routes.AddRange(backup is null ? ["primary/model-1", "placeholder"] : ["primary/model-1", "backup/model-1"]);
                o.CircuitFailureThreshold = circuitFailureThreshold;
            })
            .UseCaching()
            .UseCostTracking();
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("placeholder")]
    [InlineData("backup")]
    public async Task AnAnswerFromAFallbackRoute_IsNotServedForTheFirstRouteAfterItRecovers(string fallback)
    {
        bool down = true;
        var primary = Switchable("primary", () => down);
        await using var services = Pipeline(primary, backup: fallback == "backup" ? new ScriptedImageGenerator("backup") : null);
        var images = services.GetRequiredService<IImageGenerator>();
        var request = new ImageGenerationRequest("a red fox in snow") { Seed = 42 };

        var whileDown = await images.GenerateAsync(request);
        down = false;
        var afterRecovery = await images.GenerateAsync(request);
        var repeated = await images.GenerateAsync(request);

        Assert.Equal((fallback, false), (whileDown.Provider, whileDown.FromCache));
        Assert.Equal(("primary", false), (afterRecovery.Provider, afterRecovery.FromCache));
        Assert.Equal(("primary", true), (repeated.Provider, repeated.FromCache));
        Assert.Equal(2, primary.Calls);
    }

    [Fact]
    public async Task WhileTheFirstRouteRests_RepeatsComeFromTheCacheOfTheRouteThatAnswered_UntilItIsBack()
    {
        bool down = true;
        var primary = Switchable("primary", () => down);
        await using var services = Pipeline(primary, circuitFailureThreshold: 1);
        var images = services.GetRequiredService<IImageGenerator>();
        var request = new ImageGenerationRequest("a red fox in snow") { Seed = 42 };

        var first = await images.GenerateAsync(request);
        var whileResting = await images.GenerateAsync(request);
        down = false;
        _time.Advance(TimeSpan.FromMinutes(2));
        var afterCooldown = await images.GenerateAsync(request);

        Assert.Equal(("placeholder", false), (first.Provider, first.FromCache));
        Assert.Equal(("placeholder", true), (whileResting.Provider, whileResting.FromCache));
        Assert.Equal(first.Image.Data.ToArray(), whileResting.Image.Data.ToArray());
        Assert.Equal(("primary", false), (afterCooldown.Provider, afterCooldown.FromCache));
        Assert.Equal(2, primary.Calls);
    }

    [Fact]
    public async Task ARequestNamingTheRouteThatAnswers_IsCachedAsBefore()
    {
        var primary = Switchable("primary", () => true);
        await using var services = Pipeline(primary);
        var images = services.GetRequiredService<IImageGenerator>();
        var request = new ImageGenerationRequest("a red fox in snow") { Seed = 42, Model = "placeholder/placeholder-v1" };

        await images.GenerateAsync(request);
        Assert.True((await images.GenerateAsync(request)).FromCache);
        Assert.Equal(0, primary.Calls);
    }

    [Fact]
    public async Task DifferentMaskBytes_NeverGetAnotherRequestsCachedImage()
    {
        var primary = Switchable("primary", () => false);
        await using var services = Pipeline(primary);
        var images = services.GetRequiredService<IImageGenerator>();
        var photo = ImageInput.FromBytes(TestImages.Png(8, 8));
        var mine = new ImageGenerationRequest("replace the sky") { Seed = 1, Operation = ImageOperation.Inpaint, InputImages = [photo], Mask = ImageInput.FromBytes(TestImages.Png(8, 8)) };
        var theirs = mine with { Mask = ImageInput.FromBytes(UnifiedImageGen.Imaging.PngEncoder.Encode(Enumerable.Repeat((byte)0xFF, 8 * 8 * 4).ToArray(), 8, 8)) };

        await images.GenerateAsync(mine);
        var answer = await images.GenerateAsync(theirs);

        Assert.False(answer.FromCache);
        Assert.Equal(2, primary.Calls);
    }

    [Fact]
    public async Task CallersThatAllCancel_LeaveNoUnobservedTaskException_AndDoNotCancelTheNextCaller()
    {
        using var probe = new UnobservedExceptionProbe("single-flight probe");
        var outcomes = await AbandonFlightsAsync(probe.Marker);
        Assert.Equal(["fresh call: primary, not from cache", "fresh call: primary, not from cache"], outcomes);

        // The abandoned flights are unreachable now; their tasks' finalizers would report anything unobserved.
        Assert.Empty(probe.AfterFullCollection());
    }

    // Kept out of the test method so nothing it allocated stays reachable from the test's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<List<string>> AbandonFlightsAsync(string marker)
    {
        var release = new TaskCompletionSource(); // continuations run inline: the call ends before SetResult returns
        var primary = new ScriptedImageGenerator("primary", async (request, call, ct) =>
        {
            switch (call)
            {
                case 1:
                    // Ignores cancellation and fails, with an error no route moves on from, after everyone has gone.
                    await release.Task.ConfigureAwait(false);
                    throw new ImageGenerationException(ImageGenerationErrorKind.ContentPolicy, marker) { Provider = "primary" };
                case 3:
                    // Honours cancellation, with an exception of its own.
                    try
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        throw new OperationCanceledException(marker, ct);
                    }

                    throw new InvalidOperationException("unreachable");
                default:
                    return ScriptedImageGenerator.Result("primary", request);
            }
        });
        await using var services = Pipeline(primary);
        var images = services.GetRequiredService<IImageGenerator>();
        var outcomes = new List<string>();
        for (int seed = 1; seed <= 2; seed++)
        {
            var request = new ImageGenerationRequest("a red fox in snow") { Seed = seed };
            using (var leaving = new CancellationTokenSource())
            {
                var abandoned = images.GenerateAsync(request, leaving.Token);
                await leaving.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
            }

            // Arrives while the abandoned call is still running: it must get a call of its own, not the abandoned one's end.
            var arriving = images.GenerateAsync(request);
            release.TrySetResult();
            var next = await arriving;
            outcomes.Add($"fresh call: {next.Provider}, {(next.FromCache ? "from cache" : "not from cache")}");
        }

        Assert.Equal(4, primary.Calls);
        return outcomes;
    }
}
