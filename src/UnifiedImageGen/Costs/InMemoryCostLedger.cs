namespace UnifiedImageGen.Costs;

/// <summary>A ledger in process memory, safe under concurrent calls. Entries older than <see cref="Retention"/> are dropped.</summary>
public sealed class InMemoryCostLedger : ICostLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<string, CostEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private DateTimeOffset _nextPrune;

    /// <summary>Creates the ledger.</summary>
    /// <param name="timeProvider">The clock budgets' periods are measured on.</param>
    public InMemoryCostLedger(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>How long entries are kept.</summary>
    /// <value>62 days (this month and the last).</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(62);

    /// <inheritdoc/>
    public ValueTask<CostReservationResult> TryReserveAsync(CostEntry entry, IReadOnlyList<BudgetPolicy> budgets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(budgets);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            foreach (var budget in budgets)
            {
                var start = budget.PeriodStart(now);
                decimal spent = _entries.Values
                    .Where(e => e.Timestamp >= start && (!budget.PerUser || string.Equals(e.User ?? "", entry.User ?? "", StringComparison.Ordinal)))
                    .Sum(e => e.ChargedUsd);
                if (spent + entry.EstimatedUsd > budget.LimitUsd)
                {
                    return ValueTask.FromResult(new CostReservationResult(false, budget, spent));
                }
            }

            _entries[entry.Id] = entry with { Status = CostEntryStatus.Reserved };
            return ValueTask.FromResult(new CostReservationResult(true));
        }
    }

    /// <inheritdoc/>
    public ValueTask CompleteAsync(CostEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries[entry.Id] = entry;
        }

        return default;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CostEntry>> GetEntriesAsync(CostQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<CostEntry>>(_entries.Values.Where(query.Matches).OrderBy(e => e.Timestamp).ToArray());
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<CostTotal>> GetTotalsAsync(CostQuery query, CostGrouping groupBy, CancellationToken cancellationToken = default) =>
        CostTotal.Aggregate(await GetEntriesAsync(query, cancellationToken).ConfigureAwait(false), groupBy);

    private void Prune(DateTimeOffset now)
    {
        // Pruning scans every entry: do it at most once an hour, not on every call.
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + TimeSpan.FromHours(1);
        var cutoff = now - Retention;
        foreach (var old in _entries.Values.Where(e => e.Timestamp < cutoff && e.Status != CostEntryStatus.Reserved).Select(e => e.Id).ToArray())
        {
            _entries.Remove(old);
        }
    }
}
