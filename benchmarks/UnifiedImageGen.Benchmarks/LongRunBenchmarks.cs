using BenchmarkDotNet.Attributes;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// The routing layer's stores after a long run: a cost ledger holding 100,000 calls checked against a monthly budget
/// and a daily per-user budget, and a full in-memory cache of 20,000 small images taking one more (evicting the least
/// recently used). Both must cost the same per call as on the first call; before 2026-11-22 the ledger summed every
/// entry per budget check and the cache sorted every entry per eviction.
/// </summary>
[MemoryDiagnoser]
public class LongRunBenchmarks
{
    private const int LedgerEntries = 100_000;
    private const int CachedImages = 20_000;
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly IReadOnlyList<BudgetPolicy> _budgets =
    [
        new BudgetPolicy { LimitUsd = 1_000_000m, Period = BudgetPeriod.Month },
        new BudgetPolicy { LimitUsd = 1_000_000m, Period = BudgetPeriod.Day, PerUser = true },
    ];

    private InMemoryCostLedger _ledger = null!;
    private CostEntry[] _calls = [];
    private MemoryImageCache _cache = null!;
    private ImageGenerationResult _smallImage = null!;
    private string[] _newKeys = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var clock = new FixedClock(Now);
        _ledger = new InMemoryCostLedger(clock);
        for (int i = 0; i < LedgerEntries; i++)
        {
            var entry = Call($"old{i}", Now.AddMinutes(-i / 5.0), $"user{i % 500}");
            _ledger.TryReserveAsync(entry, []).AsTask().GetAwaiter().GetResult();
            _ledger.CompleteAsync(entry with { Status = CostEntryStatus.Settled, ActualUsd = 0.04m }).AsTask().GetAwaiter().GetResult();
        }

        // The benchmark cycles through 1,024 ids, so the ledger stays at its size however many calls are measured.
        _calls = Enumerable.Range(0, 1024).Select(i => Call($"new{i}", Now, $"user{i % 500}")).ToArray();

        _cache = new MemoryImageCache(maxTotalBytes: CachedImages * 3_000L, timeProvider: clock);
        _smallImage = new ImageGenerationResult { Images = [new GeneratedImage { Data = Payloads.Image(3_000) }], Provider = "p", Model = "m" };
        for (int i = 0; i < CachedImages; i++)
        {
            _cache.SetAsync($"old{i}", _smallImage, TimeSpan.FromHours(1)).AsTask().GetAwaiter().GetResult();
        }

        _newKeys = Enumerable.Range(0, 1 << 20).Select(i => $"new{i}").ToArray();
    }

    [Benchmark]
    public async Task<bool> LedgerReserveAndSettle()
    {
        var call = _calls[_next++ & 1023];
        var reservation = await _ledger.TryReserveAsync(call, _budgets);
        await _ledger.CompleteAsync(call with { Status = CostEntryStatus.Settled, ActualUsd = 0.04m });
        return reservation.Reserved;
    }

    [Benchmark]
    public ValueTask CacheInsertEvicting() => _cache.SetAsync(_newKeys[_next++ & ((1 << 20) - 1)], _smallImage, TimeSpan.FromHours(1));

    private static CostEntry Call(string id, DateTimeOffset at, string user) =>
        new() { Id = id, Timestamp = at, Provider = "openai", Model = "gpt-image-1", User = user, Images = 1, EstimatedUsd = 0.04m, Status = CostEntryStatus.Reserved };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
