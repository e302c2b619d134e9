namespace UnifiedImageGen.Costs;

/// <summary>Where a ledger entry stands.</summary>
public enum CostEntryStatus
{
    /// <summary>The estimate is held against budgets while the call runs.</summary>
    Reserved,

    /// <summary>
    /// The call finished, or failed after a provider accepted billable work (which it bills); <see cref="CostEntry.ActualUsd"/>
    /// is what it cost and <see cref="CostEntry.Basis"/> says how it was reached.
    /// </summary>
    Settled,

    /// <summary>The call failed before any provider accepted billable work, so it charged nothing; the reservation was released.</summary>
    Released,
}

/// <summary>One call in the cost ledger.</summary>
public sealed record CostEntry
{
    /// <summary>The entry id.</summary>
    public required string Id { get; init; }

    /// <summary>When the call started.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The provider (for a routed call, the one that answered once settled).</summary>
    public required string Provider { get; init; }

    /// <summary>The model.</summary>
    public required string Model { get; init; }

    /// <summary>The request's user, if any.</summary>
    public string? User { get; init; }

    /// <summary>Images asked for, then images delivered.</summary>
    public int Images { get; init; }

    /// <summary>The estimate made before the call.</summary>
    public decimal EstimatedUsd { get; init; }

    /// <summary>The actual cost, once settled.</summary>
    public decimal? ActualUsd { get; init; }

    /// <summary>How the figures were reached.</summary>
    public string Basis { get; init; } = "";

    /// <summary>Where the entry stands.</summary>
    public CostEntryStatus Status { get; init; }

    /// <summary>What counts against budgets: the actual cost once settled, the estimate while reserved, nothing once released.</summary>
    public decimal ChargedUsd => Status switch
    {
        CostEntryStatus.Settled => ActualUsd ?? EstimatedUsd,
        CostEntryStatus.Reserved => EstimatedUsd,
        _ => 0m,
    };
}

/// <summary>How <see cref="ICostLedger.GetTotalsAsync"/> groups entries.</summary>
[Flags]
public enum CostGrouping
{
    /// <summary>One total for everything.</summary>
    None = 0,

    /// <summary>By provider.</summary>
    Provider = 1,

    /// <summary>By model.</summary>
    Model = 2,

    /// <summary>By user.</summary>
    User = 4,

    /// <summary>By UTC day.</summary>
    Day = 8,
}

/// <summary>Which entries a query covers.</summary>
public sealed record CostQuery
{
    /// <summary>Entries at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Entries before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Only this model.</summary>
    public string? Model { get; init; }

    /// <summary>Only this user.</summary>
    public string? User { get; init; }

    /// <summary>Whether an entry matches.</summary>
    public bool Matches(CostEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (From is null || entry.Timestamp >= From) && (To is null || entry.Timestamp < To)
            && (Provider is null || string.Equals(entry.Provider, Provider, StringComparison.OrdinalIgnoreCase))
            && (Model is null || string.Equals(entry.Model, Model, StringComparison.OrdinalIgnoreCase))
            && (User is null || string.Equals(entry.User, User, StringComparison.Ordinal));
    }
}

/// <summary>A total over a group of entries.</summary>
/// <param name="Provider">The provider, when grouped by it.</param>
/// <param name="Model">The model, when grouped by it.</param>
/// <param name="User">The user, when grouped by it.</param>
/// <param name="Day">The UTC day, when grouped by it.</param>
/// <param name="Calls">Settled calls.</param>
/// <param name="Images">Images delivered.</param>
/// <param name="EstimatedUsd">The sum of estimates.</param>
/// <param name="ActualUsd">The sum of actual costs.</param>
public sealed record CostTotal(string? Provider, string? Model, string? User, DateOnly? Day, int Calls, int Images, decimal EstimatedUsd, decimal ActualUsd)
{
    /// <summary>
    /// Totals the settled entries by the chosen keys, largest actual cost first: what a ledger's
    /// <see cref="ICostLedger.GetTotalsAsync"/> returns, for ledgers that hold their entries in memory or read them back.
    /// </summary>
    /// <param name="entries">The entries (reservations and releases are skipped).</param>
    /// <param name="groupBy">How to group.</param>
    public static IReadOnlyList<CostTotal> Aggregate(IEnumerable<CostEntry> entries, CostGrouping groupBy)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Where(e => e.Status == CostEntryStatus.Settled)
            .GroupBy(e => (
                Provider: groupBy.HasFlag(CostGrouping.Provider) ? e.Provider : null,
                Model: groupBy.HasFlag(CostGrouping.Model) ? e.Model : null,
                User: groupBy.HasFlag(CostGrouping.User) ? e.User ?? "" : null,
                Day: groupBy.HasFlag(CostGrouping.Day) ? DateOnly.FromDateTime(e.Timestamp.UtcDateTime) : (DateOnly?)null))
            .Select(g => new CostTotal(g.Key.Provider, g.Key.Model, g.Key.User, g.Key.Day, g.Count(), g.Sum(e => e.Images), g.Sum(e => e.EstimatedUsd), g.Sum(e => e.ActualUsd ?? e.EstimatedUsd)))
            .OrderByDescending(t => t.ActualUsd)
            .ToArray();
    }
}

/// <summary>The outcome of <see cref="ICostLedger.TryReserveAsync"/>.</summary>
/// <param name="Reserved">Whether the estimate fits every budget and is now held.</param>
/// <param name="Budget">The budget that would be exceeded, when not reserved.</param>
/// <param name="SpentUsd">What that budget has already spent (settled and reserved) in its period.</param>
public sealed record CostReservationResult(bool Reserved, BudgetPolicy? Budget = null, decimal SpentUsd = 0m);
