namespace UnifiedImageGen.Costs;

/// <summary>
/// A ledger in process memory, safe under concurrent calls. Entries older than <see cref="Retention"/> are dropped.
/// Budget checks read running totals per UTC day (and per user), so a reservation costs the same with a million entries
/// as with ten.
/// </summary>
public sealed class InMemoryCostLedger : ICostLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<string, CostEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<DateOnly, DaySpend> _days = [];
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
        // A negative hold would lower what every budget has spent, letting other calls through.
        ArgumentOutOfRangeException.ThrowIfNegative(entry.EstimatedUsd);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            foreach (var budget in budgets)
            {
                decimal spent = Spent(DayOf(budget.PeriodStart(now)), budget.PerUser ? entry.User ?? "" : null);
                if (spent + entry.EstimatedUsd > budget.LimitUsd)
                {
                    return ValueTask.FromResult(new CostReservationResult(false, budget, spent));
                }
            }

            Record(entry with { Status = CostEntryStatus.Reserved });
            return ValueTask.FromResult(new CostReservationResult(true));
        }
    }

    /// <inheritdoc/>
    public ValueTask CompleteAsync(CostEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            Record(entry);
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
        foreach (var old in _entries.Values.Where(e => e.Timestamp < cutoff && e.Status != CostEntryStatus.Reserved).ToArray())
        {
            _entries.Remove(old.Id);
            Tally(old, -1);
        }
    }

    // Callers hold _gate. Replaces any entry with the same id, moving its charge in the running totals.
    private void Record(CostEntry entry)
    {
        if (_entries.TryGetValue(entry.Id, out var previous))
        {
            Tally(previous, -1);
        }

        _entries[entry.Id] = entry;
        Tally(entry, +1);
    }

    private void Tally(CostEntry entry, int sign)
    {
        var day = DayOf(entry.Timestamp);
        if (!_days.TryGetValue(day, out var spend))
        {
            _days[day] = spend = new DaySpend();
        }

        decimal charged = sign * entry.ChargedUsd;
        string user = entry.User ?? "";
        spend.Entries += sign;
        spend.Total += charged;
        spend.ByUser[user] = spend.ByUser.GetValueOrDefault(user) + charged;
        if (spend.Entries == 0)
        {
            _days.Remove(day);
        }
    }

    // What entries from `from` on charge, for everyone (user null) or for one user. Budget periods start at UTC
    // midnight, so "timestamp at or after the start" is "UTC day on or after the start's day".
    private decimal Spent(DateOnly from, string? user)
    {
        decimal spent = 0m;
        foreach (var (day, spend) in _days)
        {
            if (day >= from)
            {
                spent += user is null ? spend.Total : spend.ByUser.GetValueOrDefault(user);
            }
        }

        return spent;
    }

    private static DateOnly DayOf(DateTimeOffset timestamp) => DateOnly.FromDateTime(timestamp.UtcDateTime);

    private sealed class DaySpend
    {
        public int Entries;
        public decimal Total;
        public readonly Dictionary<string, decimal> ByUser = new(StringComparer.Ordinal);
    }
}
