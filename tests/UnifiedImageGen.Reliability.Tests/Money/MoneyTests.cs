using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Emulator;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;
using Xunit.Abstractions;

namespace UnifiedImageGen.Reliability.Tests.Money;

/// <summary>
/// Issue 19, budgets that cannot be bypassed: each promise is attacked through the pipeline as the README composes it
/// (<c>UseFallback(...).UseCaching().UseCostTracking(...)</c>) against the emulated providers, and docs/reliability.md's
/// "money" section is the table of what happened.
/// </summary>
public sealed class MoneyTests(EmulatorFixture fixture, ITestOutputHelper output) : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(31);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(307);
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(15);

    private const string Intro = """
        ## Money: budgets that cannot be bypassed

        Each promise below was attacked through the full pipeline as the README composes it
        (`AddImageGeneration().Add{Provider}(...)`, `.UseFallback("{provider}/{model}", "placeholder")`, `.UseCaching()`,
        `.UseCostTracking(...)`) against the emulated providers over loopback sockets, on a manual clock. The last column is
        written from what the run observed (calls that reached the emulator, its accepted submits and cancels, the ledger),
        by `MoneyTests`.

        """;

    private static ProviderUnderTest Provider(string label) => ProviderUnderTest.All.First(p => p.Label == label);

    [Fact]
    public async Task EveryMoneyPromise_HoldsUnderAttack_AndDocsReliabilityMdShowsIt()
    {
        var rows = new List<(string Promise, string Attack, string Happened)>
        {
            await CountsBelowOneRacingRealCallsAsync(),
            await UnpricedModelUnderABudgetAsync(),
            await UnpricedModelWithAFloorAsync(),
            await AcceptedThenDownloadFailsAsync(FaultKind.ImageUrlNotFound),
            await AcceptedThenDownloadFailsAsync(FaultKind.ImageUrlExpired),
            await AcceptedThenPollFailsAsync(),
            await AcceptedThenCallerCancelsAsync(),
            await PlaceholderUnderAZeroBudgetAsync(),
        };

        var table = new StringBuilder("| promise | attack or mishap | what happened |\n|---|---|---|\n");
        foreach (var (promise, attack, happened) in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {promise} | {attack} | {happened} |\n");
        }

        output.WriteLine(table.ToString());
        await ReliabilityDoc.CheckSectionAsync("money", Intro.ReplaceLineEndings("\n") + "\n" + table);
    }

    private async Task<(string, string, string)> CountsBelowOneRacingRealCallsAsync()
    {
        var ideogram = Provider("Ideogram");
        await using var run = Start([ideogram], costs =>
        {
            costs.MonthlyBudgetUsd = 0.30m;
            costs.Prices.Add(new PriceEntry { Provider = "ideogram", Model = ideogram.Model, Unit = PriceUnit.PerImage, Usd = 0.06m });
        });
        int[] counts = [0, -1, int.MinValue, 129, int.MaxValue];
        var hostile = Enumerable.Range(0, 700).Select(i => Task.Run(() => run.Generator.GenerateAsync(new ImageGenerationRequest("a lighthouse") { Count = counts[i % counts.Length] }))).ToArray();
        var real = Enumerable.Range(0, 40).Select(_ => Task.Run(() => run.Generator.GenerateAsync("a lighthouse"))).ToArray();
        await run.Clock.RunAsync(Settled([.. hostile, .. real]), () => run.Counter.Count, () => fixture.Emulator.Traffic.Stalled);

        int refusedEarly = hostile.Count(t => t.Exception?.InnerException is ArgumentOutOfRangeException);
        Assert.Equal(hostile.Length, refusedEarly);
        int ran = real.Count(t => t.IsCompletedSuccessfully);
        int overBudget = real.Count(t => t.Exception?.InnerException is ImageGenerationException { Kind: ImageGenerationErrorKind.BudgetExceeded });
        decimal spent = await run.ChargedAsync();
        Assert.Equal((5, 35, 0.30m), (ran, overBudget, spent));
        return (
            "A request's `Count` is checked before anything is reserved, so no call can free budget for others",
            "700 calls with `Count` 0, -1, int.MinValue, 129 and int.MaxValue racing 40 real Ideogram calls ($0.06 each) against a $0.30 monthly budget",
            Invariant($"{refusedEarly} of {hostile.Length} refused with `ArgumentOutOfRangeException` (\"request.Count must be between 1 and 128\") before reserving; {ran} real calls ran and {overBudget} were refused with `BudgetExceeded`; {fixture.Emulator.Traffic.Count("ideogram", EmulatedOperation.Submit)} submits reached the emulator; the ledger holds ${spent:0.00} of $0.30"));
    }

    private async Task<(string, string, string)> UnpricedModelUnderABudgetAsync()
    {
        var firefly = Provider("Firefly");
        await using var run = Start([firefly], costs => costs.MonthlyBudgetUsd = 5m);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => run.RunAsync(run.Generator.GenerateAsync("a lighthouse")));
        Assert.Equal(ImageGenerationErrorKind.BudgetExceeded, ex.Kind);
        int submits = fixture.Emulator.Traffic.Count("firefly", EmulatedOperation.Submit);
        Assert.Equal(0, submits);
        return (
            "With a budget set, a model with no price is refused by default, naming the model and how to price it",
            Invariant($"a call routed to Firefly `{firefly.Model}`, which has no price line, under a $5 monthly budget"),
            Invariant($"`BudgetExceeded` before any network call ({submits} submits): \"{ex.Message[..ex.Message.IndexOf(';', StringComparison.Ordinal)]}; ...\""));
    }

    private async Task<(string, string, string)> UnpricedModelWithAFloorAsync()
    {
        await using var run = Start([Provider("Firefly")], costs =>
        {
            costs.MonthlyBudgetUsd = 0.10m;
            costs.UnpricedImageFloorUsd = 0.05m;
        });
        int ran = 0, refused = 0;
        for (int i = 0; i < 4; i++)
        {
            try
            {
                await run.RunAsync(run.Generator.GenerateAsync("a lighthouse " + i));
                ran++;
            }
            catch (ImageGenerationException ex) when (ex.Kind == ImageGenerationErrorKind.BudgetExceeded)
            {
                refused++;
            }
        }

        decimal spent = await run.ChargedAsync();
        Assert.Equal((2, 2, 0.10m), (ran, refused, spent));
        return (
            "Or, with `Costs:UnpricedImageFloorUsd`, an unpriced model reserves and is charged that floor per image",
            "4 calls to Firefly (no price line, which reports $0 itself) with a $0.05 floor under a $0.10 monthly budget",
            Invariant($"{ran} ran, {refused} refused with `BudgetExceeded`; the ledger holds ${spent:0.00} of $0.10"));
    }

    private async Task<(string, string, string)> AcceptedThenDownloadFailsAsync(FaultKind fault)
    {
        var ideogram = Provider("Ideogram");
        await using var run = Start([ideogram], _ => { }, new FaultRule("ideogram", EmulatedOperation.Download, fault));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => run.RunAsync(run.Generator.GenerateAsync("a lighthouse")));
        var entry = await run.SingleEntryAsync();
        int accepted = fixture.Emulator.Traffic.Accepted("ideogram");
        Assert.Equal((1, CostEntryStatus.Settled, 0.06m), (accepted, entry.Status, entry.ChargedUsd));
        return (
            "Work a provider accepted is charged even when the call then fails",
            Invariant($"Ideogram accepts the generation, then its image URL answers {(fault == FaultKind.ImageUrlNotFound ? "404" : "403 (expired)")}"),
            Invariant($"`{ex.Kind}`; {accepted} submit accepted; the ledger charged ${entry.ChargedUsd:0.00} (\"{entry.Basis}\")"));
    }

    private async Task<(string, string, string)> AcceptedThenPollFailsAsync()
    {
        var fal = Provider("fal");
        await using var run = Start([fal], _ => { }, new FaultRule("fal", EmulatedOperation.Poll, FaultKind.InternalServerError) { Persistent = true });
        var result = await run.RunAsync(run.Generator.GenerateAsync("a lighthouse"));
        var entry = await run.SingleEntryAsync();
        int cancels = fixture.Emulator.Traffic.Count("fal", EmulatedOperation.Cancel);
        Assert.Equal((PlaceholderImageGenerator.ProviderName, 1), (result.Provider, cancels));
        Assert.Equal(0.003m, entry.ChargedUsd);
        return (
            "A job is cancelled at the provider on any failure after it started, and charged",
            "fal accepts the job, then every status poll answers 500 (after the handler's retries); the route falls back",
            Invariant($"answered by `{result.Provider}`; the job was cancelled at fal ({cancels} cancel); the ledger charged ${entry.ChargedUsd:0.000} for fal's accepted work and $0 for the placeholder"));
    }

    private async Task<(string, string, string)> AcceptedThenCallerCancelsAsync()
    {
        var fal = Provider("fal");
        await using var run = Start([fal], _ => { }, new FaultRule("fal", EmulatedOperation.Submit, FaultKind.NeverFinishes));
        using var caller = new CancellationTokenSource();
        var call = run.Generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"), caller.Token);
        var giveUp = Task.Run(async () =>
        {
            // The caller gives up once the job is running at fal (its first status read).
            while (fixture.Emulator.Traffic.Count("fal", EmulatedOperation.Poll) == 0)
            {
                await Task.Delay(1);
            }

            await caller.CancelAsync();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.RunAsync(call));
        await giveUp;
        var entry = await run.SingleEntryAsync();
        int cancels = fixture.Emulator.Traffic.Count("fal", EmulatedOperation.Cancel);
        Assert.Equal((1, 0.003m), (cancels, entry.ChargedUsd));
        return (
            "A caller's cancellation after the provider started stops the job and is charged",
            "the caller cancels while fal runs the job",
            Invariant($"`OperationCanceledException`; the job was cancelled at fal ({cancels} cancel); the ledger charged ${entry.ChargedUsd:0.000} (\"{entry.Basis}\")"));
    }

    private async Task<(string, string, string)> PlaceholderUnderAZeroBudgetAsync()
    {
        await using var run = Start([], costs => costs.MonthlyBudgetUsd = 0m);
        var result = await run.RunAsync(run.Generator.GenerateAsync(new ImageGenerationRequest("a lighthouse") { Count = 3 }));
        decimal spent = await run.ChargedAsync();
        Assert.Equal((3, 0m), (result.Images.Count, spent));
        return (
            "The offline placeholder is free: a budget never refuses it",
            "3 images from `placeholder` under a $0 monthly budget",
            Invariant($"{result.Images.Count} images; the ledger holds ${spent:0.00}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task<bool> Settled(Task[] tasks)
    {
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return true;
    }

    private Run Start(ProviderUnderTest[] providers, Action<CostTrackingOptions> costs, FaultRule? fault = null)
    {
        var emulator = fixture.Emulator;
        emulator.Reset();
        var clock = new LoopbackClock(new ManualTimeProvider(), AttemptTimeout, TotalTimeout, CancelTimeout);
        emulator.TimeProvider = clock;
        if (fault is not null)
        {
            emulator.Faults.Add(fault);
        }

        var counter = new InFlightCounter();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        var builder = services.AddImageGeneration();
        foreach (var provider in providers)
        {
            provider.Register(builder, emulator.EndpointFor(provider.Emulated), http => http.AddHttpMessageHandler(counter.CreateHandler), realClock: false);
        }

        builder.AddPlaceholder(o => (o.DefaultWidth, o.DefaultHeight) = (32, 32))
            .ConfigureResilience(null, r => (r.AttemptTimeout, r.TotalTimeout) = (AttemptTimeout, TotalTimeout))
            .UseFallback([.. providers.Select(p => p.Route), PlaceholderImageGenerator.ProviderName])
            .UseCaching()
            .UseCostTracking(costs);
        return new Run(services.BuildServiceProvider(), clock, counter, emulator);
    }

    private sealed class Run(ServiceProvider services, LoopbackClock clock, InFlightCounter counter, ProviderEmulator emulator) : IAsyncDisposable
    {
        public IImageGenerator Generator { get; } = services.GetRequiredService<IImageGenerator>();

        public LoopbackClock Clock => clock;

        public InFlightCounter Counter => counter;

        public Task<T> RunAsync<T>(Task<T> call) => clock.RunAsync(call, () => counter.Count, () => emulator.Traffic.Stalled);

        public async Task<decimal> ChargedAsync() =>
            (await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery())).Sum(e => e.ChargedUsd);

        public async Task<CostEntry> SingleEntryAsync() => Assert.Single(await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery()));

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
