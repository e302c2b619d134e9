using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Caching;

/// <summary>
/// The cache's promises, each tried against an attack or a mishap through the README's pipeline; the results become
/// the "cache" section of docs/reliability.md.
/// </summary>
public class CacheDocTests
{
    private const string Intro = """
        ## The cache

        Produced by `CacheDocTests` (tests/UnifiedImageGen.Reliability.Tests): every row runs its attack through
        `AddImageGeneration().AddProvider("primary", ...).AddPlaceholder().UseFallback("primary/model-1", "placeholder").UseCaching().UseCostTracking()`,
        the README's order, over a scripted provider and a manual clock; the last column is what the run observed.
        """;

    private readonly ManualTimeProvider _time = new();

    private sealed class Scenario : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Scenario(ManualTimeProvider time, Func<ImageGenerationRequest, int, CancellationToken, Task<ImageGenerationResult>>? respond = null)
        {
            var primary = Primary = new ScriptedImageGenerator("primary", respond);
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(time);
            services.AddImageGeneration()
                .AddProvider("primary", _ => primary)
                .AddPlaceholder(o => (o.DefaultWidth, o.DefaultHeight) = (32, 32))
                .UseFallback("primary/model-1", "placeholder")
                .UseCaching(o => o.CacheUnseeded = true)
                .UseCostTracking();
            _services = services.BuildServiceProvider();
        }

        public ScriptedImageGenerator Primary { get; }

        public IImageGenerator Images => _services.GetRequiredService<IImageGenerator>();

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }

    private static readonly ImageGenerationRequest Fox = new("a red fox in snow") { Seed = 42 };

    [Fact]
    public async Task CacheSection_IsWhatTheAttacksProduce()
    {
        var rows = new List<(string Promise, string Attack, string Outcome)>
        {
            ("An answer a fallback route or the placeholder gave is never served as the first route's", "primary down: the placeholder answers; primary recovers; the same request again", await FallbackThenRecovery()),
            ("Requests that differ in anything the provider receives never share an entry", "second requests that differed from the first only by a look-alike value: a separator inside a value, null vs \"default\", option names in another case, 1 vs \"1\", null vs \"null\" in JSON options, a list in typed options vs its joined text or another order", await LookAlikesReachTheProvider()),
            ("Another tenant's cached image is never served for other inputs", "the same prompt and seed with a mask of the same size but other pixels, another input image, another seed, another `OpenAIRequestOptions` value", await OtherInputsReachTheProvider()),
            ("Equal requests share one entry", "the same request again with other white space in the prompt, its provider options' name in upper case and JSON members in another order, and another `User`", await EqualRequestsHit()),
            ("Options that cannot be keyed by value are not cached", "provider options of a class that is not `ICacheableProviderOptions`, sent twice", await UnkeyableOptionsBypass()),
            ("Cancelled calls leave nothing behind", "every caller of a shared call cancels while the provider is failing, and a newcomer arrives before it ends", await CancelledFlights()),
        };

        var table = new StringBuilder("| promise | attack or mishap tried | what happened |\n|---|---|---|\n");
        foreach (var (promise, attack, outcome) in rows)
        {
            table.Append("| ").Append(promise).Append(" | ").Append(attack).Append(" | ").Append(outcome).Append(" |\n");
        }

        await ReliabilityDoc.CheckSectionAsync("cache", Intro.ReplaceLineEndings("\n") + "\n\n" + table);
    }

    private async Task<string> FallbackThenRecovery()
    {
        bool down = true;
        await using var scenario = new Scenario(_time, (request, _, _) => down
            ? Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, "primary is down") { Provider = "primary" })
            : Task.FromResult(ScriptedImageGenerator.Result("primary", request)));
        var whileDown = await scenario.Images.GenerateAsync(Fox);
        down = false;
        var afterRecovery = await scenario.Images.GenerateAsync(Fox);
        var again = await scenario.Images.GenerateAsync(Fox);
        return $"while down: `{whileDown.Provider}`; after recovery: `{afterRecovery.Provider}`, from cache: {afterRecovery.FromCache}; once more: `{again.Provider}`, from cache: {again.FromCache}";
    }

    private async Task<string> LookAlikesReachTheProvider()
    {
        (ImageGenerationRequest First, ImageGenerationRequest Second)[] pairs =
        [
            (Fox with { Style = "a\u001Fb", Quality = "c" }, Fox with { Style = "a", Quality = "b\u001Fc" }),
            (Fox, Fox with { Style = "default" }),
            (Fox, Fox with { Quality = ImageQuality.Auto }),
            (Fox.WithProviderOptions("openai", new JsonObject { ["n"] = 1 }), Fox.WithProviderOptions("openai", new JsonObject { ["n"] = "1" })),
            (Fox.WithProviderOptions("openai", new JsonObject { ["n"] = null }), Fox.WithProviderOptions("openai", new JsonObject { ["n"] = "null" })),
            (Fox with { ProviderOptions = new Dictionary<string, object> { ["openai"] = new JsonObject { ["a"] = 1 } } }, Fox with { ProviderOptions = new Dictionary<string, object> { ["openai"] = new JsonObject { ["a"] = 1 }, ["OpenAI"] = new JsonObject { ["a"] = 2 } } }),
            (Fox.WithProviderOptions("firefly", new AdobeFireflyRequestOptions { StylePresets = ["bw", "watercolor"] }), Fox.WithProviderOptions("firefly", new AdobeFireflyRequestOptions { StylePresets = ["bw, watercolor"] })),
            (Fox.WithProviderOptions("firefly", new AdobeFireflyRequestOptions { StylePresets = ["bw", "watercolor"] }), Fox.WithProviderOptions("firefly", new AdobeFireflyRequestOptions { StylePresets = ["watercolor", "bw"] })),
        ];
        return await CountReached(pairs);
    }

    private async Task<string> OtherInputsReachTheProvider()
    {
        var photo = ImageInput.FromBytes(Png(8, 0));
        var edit = new ImageGenerationRequest("replace the sky") { Seed = 1, Operation = ImageOperation.Inpaint, InputImages = [photo], Mask = ImageInput.FromBytes(Png(8, 0)) };
        var opaque = Fox.WithProviderOptions("openai", new OpenAIRequestOptions { Background = "opaque" });
        (ImageGenerationRequest First, ImageGenerationRequest Second)[] pairs =
        [
            (edit, edit with { Mask = ImageInput.FromBytes(Png(8, 0xFF)) }),
            (edit, edit with { InputImages = [ImageInput.FromBytes(Png(8, 0x80))] }),
            (Fox, Fox with { Seed = 43 }),
            (opaque, Fox.WithProviderOptions("openai", new OpenAIRequestOptions { Background = "transparent" })),
        ];
        return await CountReached(pairs);
    }

    private async Task<string> CountReached((ImageGenerationRequest First, ImageGenerationRequest Second)[] pairs)
    {
        int reached = 0;
        foreach (var (first, second) in pairs)
        {
            await using var scenario = new Scenario(_time);
            await scenario.Images.GenerateAsync(first);
            var answer = await scenario.Images.GenerateAsync(second);
            reached += !answer.FromCache && scenario.Primary.Calls == 2 ? 1 : 0;
        }

        return $"{reached} of {pairs.Length} second requests reached the provider; none was served the first one's image";
    }

    private async Task<string> EqualRequestsHit()
    {
        var first = Fox.WithProviderOptions("openai", new JsonObject { ["a"] = 1, ["b"] = 2 });
        ImageGenerationRequest[] equal =
        [
            first with { Prompt = "  a red   fox\tin snow " },
            first with { ProviderOptions = new Dictionary<string, object> { ["OPENAI"] = new JsonObject { ["b"] = 2, ["a"] = 1 } } },
            first with { User = "another tenant" },
        ];
        await using var scenario = new Scenario(_time);
        await scenario.Images.GenerateAsync(first);
        int hits = 0;
        foreach (var request in equal)
        {
            hits += (await scenario.Images.GenerateAsync(request)).FromCache ? 1 : 0;
        }

        return $"{hits} of {equal.Length} served from the cache; the provider was called {scenario.Primary.Calls} time(s)";
    }

    private sealed class PlainOptions
    {
        public string[] Values { get; init; } = [];
    }

    private async Task<string> UnkeyableOptionsBypass()
    {
        await using var scenario = new Scenario(_time);
        var request = Fox.WithProviderOptions("custom", new PlainOptions { Values = ["a", "b"] });
        var first = await scenario.Images.GenerateAsync(request);
        var second = await scenario.Images.GenerateAsync(request);
        return $"the provider was called {scenario.Primary.Calls} times; from cache: {first.FromCache}, {second.FromCache}";
    }

    private async Task<string> CancelledFlights()
    {
        using var probe = new UnobservedExceptionProbe("cache doc probe");
        string newcomer = await AbandonAFlightAsync(probe.Marker);
        return $"unobserved task exceptions after a full GC: {probe.AfterFullCollection().Count}; the newcomer: {newcomer}";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<string> AbandonAFlightAsync(string marker)
    {
        var release = new TaskCompletionSource(); // continuations run inline: the abandoned call ends before SetResult returns
        await using var scenario = new Scenario(_time, async (request, call, _) =>
        {
            if (call == 1)
            {
                await release.Task.ConfigureAwait(false);
                throw new ImageGenerationException(ImageGenerationErrorKind.ContentPolicy, marker) { Provider = "primary" };
            }

            return ScriptedImageGenerator.Result("primary", request);
        });
        using (var leaving = new CancellationTokenSource())
        {
            var abandoned = scenario.Images.GenerateAsync(Fox, leaving.Token);
            await leaving.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        }

        var arriving = scenario.Images.GenerateAsync(Fox);
        release.SetResult();
        var next = await arriving;
        return $"a fresh answer from `{next.Provider}` (from cache: {next.FromCache})";
    }

    private static byte[] Png(int side, byte fill) => PngEncoder.Encode(Enumerable.Repeat(fill, side * side * 4).ToArray(), side, side);
}
