using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Routing;

public class FallbackImageGeneratorTests
{
    private readonly ManualTimeProvider _time = new();

    private static ScriptedImageGenerator Failing(string name, ImageGenerationErrorKind kind, ImageCapabilities capabilities = ImageCapabilities.All) =>
        new(name, (_, _, _) => Task.FromException<ImageGenerationResult>(new ImageGenerationException(kind, $"{name} says {kind}") { Provider = name }), new ImageModelDescriptor("m", capabilities) { MaxImagesPerCall = 4 });

    private static ScriptedImageGenerator Working(string name, ImageCapabilities capabilities = ImageCapabilities.All, int maxPerCall = 4) =>
        new(name, null, new ImageModelDescriptor("m", capabilities) { MaxImagesPerCall = maxPerCall });

    private FallbackImageGenerator Router(FallbackOptions? options, params IImageGenerator[] generators) =>
        new(generators.Select(g => new ImageRoute(g)), options, timeProvider: _time);

    [Fact]
    public async Task RateLimited_MovesOnToTheNextRoute_AndRecordsEveryAttempt()
    {
        var first = Failing("a", ImageGenerationErrorKind.RateLimited);
        var second = Working("b");
        var result = await Router(null, first, second).GenerateAsync(new ImageGenerationRequest("x") { Seed = 1 });
        Assert.Equal("b", result.Provider);
        Assert.Equal([("a", RouteAttemptOutcome.Failed, (ImageGenerationErrorKind?)ImageGenerationErrorKind.RateLimited), ("b", RouteAttemptOutcome.Succeeded, null)],
            result.Attempts.Select(a => (a.Provider, a.Outcome, a.ErrorKind)));
        Assert.Equal("m", second.Requests.Single().Model);
    }

    [Theory]
    [InlineData(ImageGenerationErrorKind.InvalidRequest)]
    [InlineData(ImageGenerationErrorKind.BudgetExceeded)]
    [InlineData(ImageGenerationErrorKind.ContentPolicy)]
    [InlineData(ImageGenerationErrorKind.Authentication)]
    public async Task ErrorsOutsideThePolicy_DoNotMoveOn(ImageGenerationErrorKind kind)
    {
        var second = Working("b");
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => Router(null, Failing("a", kind), second).GenerateAsync("x"));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(0, second.Calls);
        Assert.Single(ex.Attempts);
    }

    [Fact]
    public async Task ContentPolicy_MovesOnWhenThePolicySaysSo_ButInvalidRequestNeverDoes()
    {
        var options = new FallbackOptions { FallbackOnContentPolicy = true };
        options.FallbackOn.Add(ImageGenerationErrorKind.InvalidRequest);
        var result = await Router(options, Failing("a", ImageGenerationErrorKind.ContentPolicy), Working("b")).GenerateAsync("x");
        Assert.Equal("b", result.Provider);
        await Assert.ThrowsAsync<ImageGenerationException>(() => Router(options, Failing("a", ImageGenerationErrorKind.InvalidRequest), Working("b")).GenerateAsync("x"));
    }

    [Fact]
    public async Task InpaintRequest_SkipsRoutesThatCannotInpaint()
    {
        var textOnly = Working("a", ImageCapabilities.TextToImage);
        var editor = Working("b", ImageCapabilities.TextToImage | ImageCapabilities.Inpainting);
        var image = ImageInput.FromBytes(TestImages.Png());
        var router = Router(null, textOnly, editor);
        var result = await router.GenerateAsync(new ImageGenerationRequest("hat") { Operation = ImageOperation.Inpaint, InputImages = [image], Mask = image });
        Assert.Equal(0, textOnly.Calls);
        Assert.Equal((RouteAttemptOutcome.Skipped, "model lacks Inpainting"), (result.Attempts[0].Outcome, result.Attempts[0].Reason));
        Assert.Equal(["b"], router.GetEligibleRoutes(new ImageGenerationRequest("x") { Operation = ImageOperation.Inpaint, InputImages = [image] }).Select(r => r.Provider));
    }

    [Fact]
    public async Task CountAboveTheRoutesLimit_IsSplitNotDropped()
    {
        var route = Working("a", maxPerCall: 2);
        var result = await Router(null, route).GenerateAsync(new ImageGenerationRequest("x") { Count = 5 });
        Assert.Equal(5, result.Images.Count);
        Assert.Equal([1, 2, 2], route.Requests.Select(r => r.Count).Order());
    }

    [Fact]
    public async Task RepeatedFailures_OpenARouteCircuit_UntilTheCooldownPasses()
    {
        var flaky = Failing("a", ImageGenerationErrorKind.ProviderUnavailable);
        var backup = Working("b");
        var router = Router(new FallbackOptions { CircuitFailureThreshold = 2, CircuitCooldown = TimeSpan.FromMinutes(1) }, flaky, backup);

        await router.GenerateAsync("1");
        await router.GenerateAsync("2");
        var third = await router.GenerateAsync("3");
        Assert.Equal(2, flaky.Calls);
        Assert.Equal(RouteAttemptOutcome.Skipped, third.Attempts[0].Outcome);
        Assert.StartsWith("circuit open until", third.Attempts[0].Reason);
        Assert.Equal(["b"], router.GetEligibleRoutes(new ImageGenerationRequest("x")).Select(r => r.Provider));

        _time.Advance(TimeSpan.FromSeconds(61));
        await router.GenerateAsync("4");
        Assert.Equal(3, flaky.Calls);
        var fifth = await router.GenerateAsync("5");
        Assert.Equal(RouteAttemptOutcome.Skipped, fifth.Attempts[0].Outcome);
    }

    [Fact]
    public async Task EveryRouteFailing_GivesOneErrorThatSaysWhatEachAnswered()
    {
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() =>
            Router(null, Failing("a", ImageGenerationErrorKind.RateLimited), Failing("b", ImageGenerationErrorKind.Timeout)).GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.Timeout, ex.Kind);
        Assert.Contains("a/m: RateLimited (a says RateLimited)", ex.Message);
        Assert.Contains("b/m: Timeout (b says Timeout)", ex.Message);
        Assert.Equal(2, ex.Attempts.Count);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Aliases_ExplicitRoutes_AndUnknownModels()
    {
        var a = Working("a");
        var b = Working("b");
        var aliases = new Dictionary<string, IReadOnlyList<ImageRoute>> { ["flux"] = [new ImageRoute(b, "flux-dev"), new ImageRoute(a, "flux-1")] };
        var router = new FallbackImageGenerator([new ImageRoute(a, "default-model")], null, aliases, _time);

        Assert.Equal(("b", "flux-dev"), ((await router.GenerateAsync(new ImageGenerationRequest("x") { Model = "flux" })).Provider, b.Requests.Single().Model));
        await router.GenerateAsync(new ImageGenerationRequest("x") { Model = "a/other-model" });
        Assert.Equal("other-model", a.Requests.Last().Model);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => router.GenerateAsync(new ImageGenerationRequest("x") { Model = "nope" }));
        Assert.Contains("'nope' is neither a route nor an alias", ex.Message);
        Assert.Equal("router", router.Metadata.ProviderName);
        Assert.Equal("a/default-model", router.Metadata.DefaultModel);
    }

    [Fact]
    public async Task Cancellation_StopsWithoutFallingBack()
    {
        var second = Working("b");
        var first = new ScriptedImageGenerator("a", (_, _, ct) => Task.FromCanceled<ImageGenerationResult>(new CancellationToken(true)));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Router(null, first, second).GenerateAsync(new ImageGenerationRequest("x"), cts.Token));
        Assert.Equal(0, second.Calls);
    }
}
