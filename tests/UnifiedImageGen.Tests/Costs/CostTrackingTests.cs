using UnifiedImageGen.Costs;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Costs;

public class CostTrackingTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));

    private static PriceEntry TenCents(string provider = "paid") => new() { Provider = provider, Model = "*", Unit = PriceUnit.PerImage, Usd = 0.10m };

    private CostTrackingImageGenerator Tracker(IImageGenerator inner, Action<CostTrackingOptions>? configure = null, ICostLedger? ledger = null)
    {
        var options = new CostTrackingOptions();
        options.Prices.Add(TenCents());
        configure?.Invoke(options);
        return new CostTrackingImageGenerator(inner, ledger: ledger ?? new InMemoryCostLedger(_time), options: options, timeProvider: _time);
    }

    [Fact]
    public async Task Call_IsEstimatedBefore_AndSettledAfter_WithBothOnTheResult()
    {
        var tracker = Tracker(new ScriptedImageGenerator("paid"));
        var result = await tracker.GenerateAsync(new ImageGenerationRequest("x") { Count = 3, User = "u1" });
        Assert.Equal(0.30m, result.Cost!.EstimatedUsd);
        Assert.Equal(0.30m, result.Cost.ReportedUsd);
        var entry = Assert.Single(await tracker.Ledger.GetEntriesAsync(new CostQuery()));
        Assert.Equal((CostEntryStatus.Settled, 0.30m, 3, "u1"), (entry.Status, entry.ActualUsd!.Value, entry.Images, entry.User));
    }

    [Fact]
    public async Task ProviderReportedCost_WinsOverTheTable()
    {
        var inner = new ScriptedImageGenerator("paid", (r, _, _) => Task.FromResult(ScriptedImageGenerator.Result("paid", r) with { Cost = new ImageCost { EstimatedUsd = 0.2m, ReportedUsd = 0.0731m } }));
        var result = await Tracker(inner).GenerateAsync("x");
        Assert.Equal((0.10m, 0.0731m), (result.Cost!.EstimatedUsd, result.Cost.ReportedUsd!.Value));
        Assert.Equal("reported by the provider", result.Cost.Basis);
    }

    [Fact]
    public async Task Budget_RefusesBeforeAnyNetworkCall_ShowingSpentLimitAndEstimate()
    {
        var inner = new ScriptedImageGenerator("paid");
        var tracker = Tracker(inner, o => o.MonthlyBudgetUsd = 0.25m);
        await tracker.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => tracker.GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.BudgetExceeded, ex.Kind);
        Assert.Equal(1, inner.Calls);
        Assert.Contains("monthly budget of $0.25 would be exceeded: $0.20 spent this month, this call is estimated at $0.10", ex.Message);
        Assert.Contains("Refused before any network call", ex.Message);
    }

    [Fact]
    public async Task PerUserBudget_IsCountedPerUser_AndResetsWithThePeriod()
    {
        var tracker = Tracker(new ScriptedImageGenerator("paid"), o => o.DailyBudgetPerUserUsd = 0.10m);
        await tracker.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });
        await tracker.GenerateAsync(new ImageGenerationRequest("x") { User = "bob" });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => tracker.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" }));
        Assert.Contains("daily budget per user of $0.10 (user 'alice')", ex.Message);

        _time.Advance(TimeSpan.FromHours(2)); // past midnight UTC: a new day (and month)
        await tracker.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });
    }

    [Fact]
    public async Task ConcurrentCalls_CannotOverspend()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new ScriptedImageGenerator("paid", async (r, _, _) =>
        {
            await release.Task;
            return ScriptedImageGenerator.Result("paid", r);
        });
        var tracker = Tracker(inner, o => o.MonthlyBudgetUsd = 1.00m);
        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(() => tracker.GenerateAsync("x"))).ToArray();
        while (inner.Calls + calls.Count(c => c.IsFaulted) < 50)
        {
            await Task.Yield();
        }

        release.SetResult();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
        Assert.Equal(10, calls.Count(c => c.IsCompletedSuccessfully));
        Assert.Equal(40, calls.Count(c => c.Exception?.InnerException is ImageGenerationException { Kind: ImageGenerationErrorKind.BudgetExceeded }));
        var totals = await tracker.Ledger.GetTotalsAsync(new CostQuery(), CostGrouping.None);
        Assert.Equal(1.00m, Assert.Single(totals).ActualUsd);
    }

    [Fact]
    public async Task FailedCall_ReleasesItsReservation()
    {
        var inner = new ScriptedImageGenerator("paid", (_, call, _) => call == 1
            ? Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, "down"))
            : Task.FromResult(ScriptedImageGenerator.Result("paid", new ImageGenerationRequest("x"))));
        var tracker = Tracker(inner, o => o.MonthlyBudgetUsd = 0.10m);
        await Assert.ThrowsAsync<ImageGenerationException>(() => tracker.GenerateAsync("x"));
        await tracker.GenerateAsync("x");
        var entries = await tracker.Ledger.GetEntriesAsync(new CostQuery());
        Assert.Equal([CostEntryStatus.Released, CostEntryStatus.Settled], entries.Select(e => e.Status));
    }

    [Fact]
    public async Task Ledger_TotalsByProviderModelAndUser()
    {
        var ledger = new InMemoryCostLedger(_time);
        await Tracker(new ScriptedImageGenerator("paid"), ledger: ledger).GenerateAsync(new ImageGenerationRequest("x") { User = "a", Count = 2 });
        await Tracker(new ScriptedImageGenerator("paid"), ledger: ledger).GenerateAsync(new ImageGenerationRequest("x") { User = "b" });
        await Tracker(new ScriptedImageGenerator("other"), o => o.Prices.Add(TenCents("other")), ledger).GenerateAsync(new ImageGenerationRequest("x") { User = "a" });

        var byProvider = await ledger.GetTotalsAsync(new CostQuery(), CostGrouping.Provider);
        Assert.Equal([("paid", 2, 0.30m), ("other", 1, 0.10m)], byProvider.Select(t => (t.Provider!, t.Calls, t.ActualUsd)));
        var byUser = await ledger.GetTotalsAsync(new CostQuery { Provider = "paid" }, CostGrouping.User | CostGrouping.Model);
        Assert.Equal([("a", "model-1", 0.20m), ("b", "model-1", 0.10m)], byUser.Select(t => (t.User!, t.Model!, t.ActualUsd)));
    }

    [Fact]
    public async Task Ledger_BudgetChecks_MatchASumOverEveryEntry_AcrossDaysMonthsUsersAndPruning()
    {
        // The ledger keeps running totals per day and user; check them against the plain definition (the sum of what
        // every entry in the period charges) through reservations, settlements, releases, a month end and pruning.
        var random = new Random(7);
        var ledger = new InMemoryCostLedger(_time) { Retention = TimeSpan.FromDays(40) }; // longer than a month, as budgets need
        var budgets = new[]
        {
            new BudgetPolicy { LimitUsd = 0m, Period = BudgetPeriod.Day },
            new BudgetPolicy { LimitUsd = 0m, Period = BudgetPeriod.Month, PerUser = true },
        };
        string[] users = ["alice", "bob", ""];
        var open = new List<CostEntry>();
        for (int step = 0; step < 600; step++)
        {
            _time.Advance(TimeSpan.FromMinutes(random.Next(0, 360)));
            var now = _time.GetUtcNow();
            string user = users[random.Next(users.Length)];
            var probe = new CostEntry { Id = $"probe{step}", Timestamp = now, Provider = "p", Model = "m", User = user == "" ? null : user, EstimatedUsd = 0.01m };
            var all = await ledger.GetEntriesAsync(new CostQuery());
            foreach (var budget in budgets)
            {
                var start = budget.PeriodStart(now);
                decimal expected = all.Where(e => e.Timestamp >= start && (!budget.PerUser || (e.User ?? "") == user)).Sum(e => e.ChargedUsd);
                var refused = await ledger.TryReserveAsync(probe, [budget]);
                Assert.False(refused.Reserved);
                Assert.Equal(expected, refused.SpentUsd);
            }

            var entry = probe with { Id = $"call{step}", EstimatedUsd = random.Next(1, 500) / 100m };
            Assert.True((await ledger.TryReserveAsync(entry, [])).Reserved);
            open.Add(entry);
            if (open.Count > 3)
            {
                var done = open[random.Next(open.Count)];
                open.Remove(done);
                await ledger.CompleteAsync(random.Next(3) == 0
                    ? done with { Status = CostEntryStatus.Released, ActualUsd = 0m }
                    : done with { Status = CostEntryStatus.Settled, ActualUsd = random.Next(0, 500) / 100m });
            }
        }

        Assert.True(_time.GetUtcNow() > new DateTimeOffset(2027, 1, 15, 0, 0, 0, TimeSpan.Zero)); // crossed two month ends
        Assert.InRange((await ledger.GetEntriesAsync(new CostQuery())).Count, 1, 599); // and pruned the oldest
    }

    [Fact]
    public async Task BehindARouter_TheDearestEligibleRouteIsHeld_AndTheOneUsedIsSettled()
    {
        var cheapButDown = new ScriptedImageGenerator("cheap", (_, _, _) => Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, "down")));
        var dear = new ScriptedImageGenerator("dear");
        var router = new FallbackImageGenerator([new ImageRoute(cheapButDown), new ImageRoute(dear)], timeProvider: _time);
        var tracker = Tracker(router, o =>
        {
            o.Prices.Add(new PriceEntry { Provider = "cheap", Model = "*", Usd = 0.01m });
            o.Prices.Add(new PriceEntry { Provider = "dear", Model = "*", Usd = 0.05m });
        });
        var result = await tracker.GenerateAsync("x");
        Assert.Equal(0.05m, result.Cost!.EstimatedUsd);
        var entry = Assert.Single(await tracker.Ledger.GetEntriesAsync(new CostQuery()));
        Assert.Equal(("dear", 0.05m), (entry.Provider, entry.ActualUsd!.Value));
    }

    [Fact]
    public void Catalog_PricesByImageMegapixelCreditAndGpuSecond()
    {
        var catalog = new PriceCatalog();
        Assert.Equal(0.12m, catalog.Estimate("openai", "dall-e-3", new ImageGenerationRequest("x") { Size = new ImageSize(1792, 1024), Quality = ImageQuality.HD })!.EstimatedUsd);
        Assert.Equal(0.167m, catalog.Estimate("openai", "gpt-image-1", new ImageGenerationRequest("x") { Quality = ImageQuality.High })!.EstimatedUsd);
        Assert.Equal(0.05m, catalog.Estimate("fal", "fal-ai/flux/dev", new ImageGenerationRequest("x") { Size = new ImageSize(1536, 1024) })!.EstimatedUsd);
        Assert.Equal(0.08m, catalog.Estimate("stability", "ultra", new ImageGenerationRequest("x"))!.EstimatedUsd);
        Assert.Equal(0.014m, catalog.Estimate("replicate", "someone/custom-model", new ImageGenerationRequest("x"))!.EstimatedUsd);
        Assert.Null(catalog.Estimate("nobody", "x", new ImageGenerationRequest("x")));
        var byGpu = new ImageGenerationResult { Images = [new GeneratedImage { Data = new byte[1] }], Provider = "replicate", Model = "someone/custom-model", Usage = new ImageUsage { ComputeSeconds = 2.5 } };
        Assert.Equal(0.0035m, catalog.Actual(new ImageGenerationRequest("x"), byGpu));
        var byCredits = new ImageGenerationResult { Images = [new GeneratedImage { Data = new byte[1] }], Provider = "stability", Model = "core", Usage = new ImageUsage { Credits = 3 } };
        Assert.Equal(0.03m, catalog.Actual(new ImageGenerationRequest("x"), byCredits));
        Assert.Equal("2026-11-22", catalog.AsOf);
    }
}
