using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using UnifiedImageGen.Costs;

namespace UnifiedImageGen.Cli.Costs;

/// <summary>
/// A cost ledger in one JSON file, so <c>imagegen cost</c> sees what earlier runs spent. Every operation opens the file
/// exclusively, reads, changes and writes it back: two <c>imagegen</c> processes never overspend a budget between the
/// check and the charge, which is what <see cref="ICostLedger.TryReserveAsync"/> promises.
/// </summary>
internal sealed class JsonFileCostLedger : ICostLedger
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(15);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a ledger over <paramref name="path"/>; the file and its folder are created on the first write.</summary>
    public JsonFileCostLedger(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The ledger file.</summary>
    public string Path { get; }

    /// <summary>How long settled entries are kept.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(400);

    /// <inheritdoc/>
    public async ValueTask<CostReservationResult> TryReserveAsync(CostEntry entry, IReadOnlyList<BudgetPolicy> budgets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(budgets);
        var now = _timeProvider.GetUtcNow();
        CostReservationResult outcome = new(true);
        await UpdateAsync(
            entries =>
            {
                foreach (var budget in budgets)
                {
                    var start = budget.PeriodStart(now);
                    decimal spent = entries
                        .Where(e => e.Timestamp >= start && (!budget.PerUser || string.Equals(e.User ?? "", entry.User ?? "", StringComparison.Ordinal)))
                        .Sum(e => e.ChargedUsd);
                    if (spent + entry.EstimatedUsd > budget.LimitUsd)
                    {
                        outcome = new CostReservationResult(false, budget, spent);
                        return false;
                    }
                }

                entries.Add(entry with { Status = CostEntryStatus.Reserved });
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CostEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await UpdateAsync(
            entries =>
            {
                entries.RemoveAll(e => e.Id == entry.Id);
                entries.Add(entry);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<CostEntry>> GetEntriesAsync(CostQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!File.Exists(Path))
        {
            return [];
        }

        List<CostEntry> entries = [];
        await UpdateAsync(
            all =>
            {
                entries = all.Where(query.Matches).OrderBy(e => e.Timestamp).ToList();
                return false;
            },
            cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<CostTotal>> GetTotalsAsync(CostQuery query, CostGrouping groupBy, CancellationToken cancellationToken = default) =>
        CostTotal.Aggregate(await GetEntriesAsync(query, cancellationToken).ConfigureAwait(false), groupBy);

    /// <summary>Runs <paramref name="change"/> over the entries under an exclusive lock; writes them back when it returns true.</summary>
    private async Task UpdateAsync(Func<List<CostEntry>, bool> change, CancellationToken cancellationToken)
    {
        string? folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var stream = await OpenExclusiveAsync(cancellationToken).ConfigureAwait(false);
        await using var streamLifetime = stream.ConfigureAwait(false);
        var document = stream.Length == 0
            ? new LedgerDocument()
            : await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        Prune(document.Entries);
        if (!change(document.Entries))
        {
            return;
        }

        stream.SetLength(0);
        await JsonSerializer.SerializeAsync(stream, document, LedgerJsonContext.Default.LedgerDocument, CancellationToken.None).ConfigureAwait(false);
        await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<LedgerDocument> ReadAsync(FileStream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, LedgerJsonContext.Default.LedgerDocument, cancellationToken).ConfigureAwait(false) ?? new LedgerDocument();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The cost ledger '{Path}' is not a valid ledger file ({ex.Message}); move it aside to start a new one.", ex);
        }
    }

    private async Task<FileStream> OpenExclusiveAsync(CancellationToken cancellationToken)
    {
        // Waiting for another process is wall-clock time, whatever clock the entries are stamped with.
        long started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 4096, useAsync: true);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockTimeout)
            {
                // Another imagegen process holds the file for a moment: wait and try again.
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
        }
    }

    private void Prune(List<CostEntry> entries)
    {
        var now = _timeProvider.GetUtcNow();
        // A reservation older than a day belongs to a run that crashed: it would hold budget forever.
        entries.RemoveAll(e => e.Status == CostEntryStatus.Reserved ? e.Timestamp < now - TimeSpan.FromDays(1) : e.Timestamp < now - Retention);
    }
}

/// <summary>The ledger file's content.</summary>
internal sealed class LedgerDocument
{
    /// <summary>The file format version.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Every entry kept.</summary>
    public List<CostEntry> Entries { get; set; } = [];
}

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LedgerDocument))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
