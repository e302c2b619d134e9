namespace UnifiedImageGen.Costs;

/// <summary>
/// Records what image calls cost and checks budgets. The in-memory default is <see cref="InMemoryCostLedger"/>; back it
/// with a database for a fleet. <see cref="TryReserveAsync"/> must check and hold atomically, so concurrent calls cannot
/// overspend between the check and the charge.
/// </summary>
public interface ICostLedger
{
    /// <summary>Holds <paramref name="entry"/>'s estimate if it fits every budget; otherwise records nothing and says which budget refused.</summary>
    /// <param name="entry">A <see cref="CostEntryStatus.Reserved"/> entry; its <see cref="CostEntry.EstimatedUsd"/> is never negative (the in-memory ledger throws <see cref="ArgumentOutOfRangeException"/> for one).</param>
    /// <param name="budgets">The budgets to check.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<CostReservationResult> TryReserveAsync(CostEntry entry, IReadOnlyList<BudgetPolicy> budgets, CancellationToken cancellationToken = default);

    /// <summary>Replaces a reservation with its settled (or released) entry.</summary>
    /// <param name="entry">The entry with the same id, now settled or released.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask CompleteAsync(CostEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Returns the entries a query matches.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IReadOnlyList<CostEntry>> GetEntriesAsync(CostQuery query, CancellationToken cancellationToken = default);

    /// <summary>Totals of settled entries, grouped as asked.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="groupBy">How to group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IReadOnlyList<CostTotal>> GetTotalsAsync(CostQuery query, CostGrouping groupBy, CancellationToken cancellationToken = default);
}
