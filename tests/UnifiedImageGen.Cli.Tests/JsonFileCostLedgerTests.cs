using UnifiedImageGen.Cli.Costs;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Cli.Tests;

public sealed class JsonFileCostLedgerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imagegen-ledger-").FullName;
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string LedgerPath => Path.Combine(_folder, "sub", "costs.json");

    [Fact]
    public async Task SettledEntries_AreSeenByANewLedgerOverTheSameFile()
    {
        var first = new JsonFileCostLedger(LedgerPath, _clock);
        var entry = Entry("a", 0.10m);
        Assert.True((await first.TryReserveAsync(entry, [])).Reserved);
        await first.CompleteAsync(entry with { Status = CostEntryStatus.Settled, ActualUsd = 0.08m, Images = 2 });

        var second = new JsonFileCostLedger(LedgerPath, _clock);
        var totals = await second.GetTotalsAsync(new CostQuery(), CostGrouping.Provider | CostGrouping.Day);

        var total = Assert.Single(totals);
        Assert.Equal(("openai", new DateOnly(2026, 11, 20), 1, 2, 0.10m, 0.08m), (total.Provider, total.Day!.Value, total.Calls, total.Images, total.EstimatedUsd, total.ActualUsd));
    }

    [Fact]
    public async Task TryReserve_RefusesWhatWouldExceedABudget_CountingOtherProcessesEntries()
    {
        var budget = new BudgetPolicy { LimitUsd = 0.15m, Period = BudgetPeriod.Day };
        var first = new JsonFileCostLedger(LedgerPath, _clock);
        Assert.True((await first.TryReserveAsync(Entry("a", 0.10m), [budget])).Reserved);

        var second = new JsonFileCostLedger(LedgerPath, _clock);
        var refused = await second.TryReserveAsync(Entry("b", 0.10m), [budget]);

        Assert.False(refused.Reserved);
        Assert.Equal(0.10m, refused.SpentUsd);
        Assert.Single(await second.GetEntriesAsync(new CostQuery()));
    }

    [Fact]
    public async Task ReleasedEntries_CostNothing()
    {
        var ledger = new JsonFileCostLedger(LedgerPath, _clock);
        var entry = Entry("a", 0.10m);
        await ledger.TryReserveAsync(entry, []);
        await ledger.CompleteAsync(entry with { Status = CostEntryStatus.Released, ActualUsd = 0m });

        Assert.Empty(await ledger.GetTotalsAsync(new CostQuery(), CostGrouping.None));
        Assert.Equal(0m, Assert.Single(await ledger.GetEntriesAsync(new CostQuery())).ChargedUsd);
    }

    [Fact]
    public async Task AReservationLeftByACrashedRun_IsDroppedAfterADay()
    {
        var ledger = new JsonFileCostLedger(LedgerPath, _clock);
        await ledger.TryReserveAsync(Entry("stale", 1m), []);
        _clock.Advance(TimeSpan.FromDays(2));

        Assert.True((await ledger.TryReserveAsync(Entry("fresh", 0.5m), [new BudgetPolicy { LimitUsd = 1m }])).Reserved);
        Assert.Equal(["fresh"], (await ledger.GetEntriesAsync(new CostQuery())).Select(e => e.Id));
    }

    [Fact]
    public async Task AFileThatIsNoLedger_IsReportedWithItsPath()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        File.WriteAllText(LedgerPath, "[1,2,3]");
        var ledger = new JsonFileCostLedger(LedgerPath, _clock);

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await ledger.GetEntriesAsync(new CostQuery()));
        Assert.Contains(LedgerPath, error.Message, StringComparison.Ordinal);
    }

    private CostEntry Entry(string id, decimal estimate) => new()
    {
        Id = id,
        Timestamp = _clock.GetUtcNow(),
        Provider = "openai",
        Model = "gpt-image-1",
        Images = 1,
        EstimatedUsd = estimate,
        Status = CostEntryStatus.Reserved,
    };
}
