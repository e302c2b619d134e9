using System.Globalization;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Costs;

/// <summary>
/// Prices every call: estimates it before (refusing it with <see cref="ImageGenerationErrorKind.BudgetExceeded"/>, before
/// any network call, when the estimate would break a budget), holds the estimate in the ledger while the call runs so
/// concurrent calls cannot overspend, then settles the actual cost (provider-reported where given) and puts both on
/// <see cref="ImageGenerationResult.Cost"/>. A failed call no provider accepted is released and costs nothing; work a
/// provider accepted (its billable submit answered with a success status) is charged at its estimate even when the call
/// then fails or falls back to another route, because the provider bills it. Request arguments are validated before
/// anything is reserved, and an estimate is never negative.
/// </summary>
public sealed class CostTrackingImageGenerator : DelegatingImageGenerator
{
    private readonly IPriceCatalog _catalog;
    private readonly ICostLedger _ledger;
    private readonly CostTrackingOptions _options;
    private readonly IReadOnlyList<BudgetPolicy> _budgets;
    private readonly TimeProvider _timeProvider;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator (or router) to price.</param>
    /// <param name="catalog">Prices; the built-in <see cref="PriceCatalog"/> with <paramref name="options"/>' overrides when null.</param>
    /// <param name="ledger">Where calls are recorded; a new <see cref="InMemoryCostLedger"/> when null.</param>
    /// <param name="options">Budgets and price overrides.</param>
    /// <param name="timeProvider">The clock for entries and budget periods.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds a negative limit, price or floor.</exception>
    public CostTrackingImageGenerator(IImageGenerator innerGenerator, IPriceCatalog? catalog = null, ICostLedger? ledger = null, CostTrackingOptions? options = null, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        _options = options ?? new CostTrackingOptions();
        var problems = _options.Validate("options").ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _catalog = catalog ?? new PriceCatalog(_options.Prices);
        _ledger = ledger ?? new InMemoryCostLedger(_timeProvider);
        _budgets = _options.AllBudgets();
    }

    /// <summary>The ledger calls are recorded in.</summary>
    public ICostLedger Ledger => _ledger;

    /// <summary>The price catalog.</summary>
    public IPriceCatalog Catalog => _catalog;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The request breaks an argument rule (such as <c>Count</c> outside 1..128); checked before anything is reserved.</exception>
    /// <exception cref="ImageGenerationException">Of kind <see cref="ImageGenerationErrorKind.BudgetExceeded"/> when the estimate would break a budget, or when a budget is set and a route's model has no price; before any network call.</exception>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        // Before anything is priced or reserved: a Count below 1 would otherwise reserve a negative estimate and free
        // budget for every other call.
        ImageRequestValidator.ValidateArguments(request);
        var (provider, model, estimate, unpriced) = EstimateWorstCase(request);
        if (_budgets.Count > 0 && unpriced is not null && _options.RefuseUnpricedWithBudget)
        {
            throw new ImageGenerationException(
                ImageGenerationErrorKind.BudgetExceeded,
                $"No price is known for {unpriced.Value.Provider}/{unpriced.Value.Model}, so a budget cannot bound what the call spends; it was refused before any network call. Add a price line for it (ImageGeneration:Costs:Prices, or CostTrackingOptions.Prices: new PriceEntry {{ Provider = \"{unpriced.Value.Provider}\", Model = \"{unpriced.Value.Model}\", Unit = PriceUnit.PerImage, Usd = ... }}), or set Costs:UnpricedImageFloorUsd to reserve a price per image for unpriced models.")
            {
                Provider = unpriced.Value.Provider,
                Model = unpriced.Value.Model,
            };
        }

        var entry = new CostEntry
        {
            Id = Guid.NewGuid().ToString("N"),
            Timestamp = _timeProvider.GetUtcNow(),
            Provider = provider,
            Model = model,
            User = request.User,
            Images = request.Count,
            EstimatedUsd = estimate?.EstimatedUsd ?? 0m,
            Basis = estimate?.Basis ?? "no price known",
            Status = CostEntryStatus.Reserved,
        };

        var reservation = await _ledger.TryReserveAsync(entry, _budgets, cancellationToken).ConfigureAwait(false);
        if (!reservation.Reserved)
        {
            var budget = reservation.Budget!;
            throw new ImageGenerationException(
                ImageGenerationErrorKind.BudgetExceeded,
                string.Create(CultureInfo.InvariantCulture, $"The {budget}{(budget.PerUser ? $" (user '{request.User ?? ""}')" : "")} would be exceeded: ${reservation.SpentUsd:0.00##} spent this {(budget.Period == BudgetPeriod.Day ? "day" : "month")}, this call is estimated at ${entry.EstimatedUsd:0.00##} ({entry.Basis}). Refused before any network call."))
            {
                Provider = provider,
                Model = model,
            };
        }

        var work = new BillableWork();
        ImageGenerationResult result;
        try
        {
            result = await work.TrackAsync(() => base.GenerateAsync(request, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _ledger.CompleteAsync(Failed(entry, request, work.Submits, ex), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        decimal? actual = _catalog.Actual(request, result) is { } priced ? Math.Max(priced, 0m) : null;
        int delivered = result.Images.Count(i => i.IsSuccess);
        // No price line and nothing reported: the floor, when set, is what the call is taken to cost (else it would
        // only be held while the call runs, and the ledger would record whatever the provider guessed, often $0).
        decimal unpricedUsd = _options.UnpricedImageFloorUsd is { } floor ? floor * delivered : Math.Max(result.Cost?.EstimatedUsd ?? entry.EstimatedUsd, 0m);
        var lost = work.Submits.Where(s => !s.Delivered).ToArray();
        decimal lostUsd = lost.Sum(s => PriceAccepted(s, request, entry));
        string lostBasis = lost.Length == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; plus ${lostUsd:0.00##} for work {Describe(lost)} accepted and then failed");
        var settled = entry with
        {
            Provider = result.Provider,
            Model = result.Model,
            Images = delivered,
            ActualUsd = (actual ?? unpricedUsd) + lostUsd,
            Basis = (result.Cost?.ReportedUsd is not null ? "reported by the provider" : entry.Basis) + lostBasis,
            Status = CostEntryStatus.Settled,
        };
        await _ledger.CompleteAsync(settled, CancellationToken.None).ConfigureAwait(false);
        return result with
        {
            Cost = new ImageCost
            {
                EstimatedUsd = estimate?.EstimatedUsd ?? result.Cost?.EstimatedUsd ?? 0m,
                ReportedUsd = lost.Length == 0 ? actual : settled.ActualUsd,
                Basis = result.FromCache ? "cache hit" : settled.Basis,
            },
        };
    }

    // A call that threw: nothing was delivered, but work a provider accepted is billed by it, so it is charged at its
    // estimate; a call no provider accepted costs nothing and its hold is released.
    private CostEntry Failed(CostEntry entry, ImageGenerationRequest request, IReadOnlyList<AcceptedSubmit> accepted, Exception error)
    {
        if (accepted.Count == 0)
        {
            return entry with { Status = CostEntryStatus.Released, ActualUsd = 0m };
        }

        string ending = error is ImageGenerationException failure ? $"failed ({failure.Kind})" : error is OperationCanceledException ? "was cancelled" : "failed";
        return entry with
        {
            Provider = accepted[^1].Provider,
            Model = accepted[^1].Model,
            Images = 0,
            ActualUsd = accepted.Sum(s => PriceAccepted(s, request, entry)),
            Basis = $"charged at the estimate: {Describe(accepted)} accepted the work, then the call {ending}",
            Status = CostEntryStatus.Settled,
        };
    }

    private static string Describe(IEnumerable<AcceptedSubmit> submits) =>
        string.Join(", ", submits.Select(s => s.Provider + "/" + s.Model).Distinct());

    // What work a provider accepted costs when no result priced it: its route's estimate, else the reservation's share.
    private decimal PriceAccepted(AcceptedSubmit submit, ImageGenerationRequest request, CostEntry entry) =>
        PriceOf(submit.Provider, submit.Model, request with { Count = Math.Min(submit.Images, ImageRequestValidator.MaxCount) })?.EstimatedUsd
        ?? entry.EstimatedUsd / request.Count * submit.Images;

    /// <summary>
    /// The one place an estimate is made: the catalog's figure, or the configured floor for a model without one. A figure
    /// below zero or too large to compute is no price at all, so an estimate is never negative and never overflows.
    /// </summary>
    private ImageCost? PriceOf(string provider, string model, ImageGenerationRequest request)
    {
        ImageCost? estimate;
        try
        {
            estimate = _catalog.Estimate(provider, model, request);
        }
        catch (OverflowException)
        {
            estimate = null;
        }

        if (estimate is { EstimatedUsd: >= 0m })
        {
            return estimate;
        }

        return _options.UnpricedImageFloorUsd is { } floor
            ? new ImageCost { EstimatedUsd = floor * request.Count, Basis = string.Create(CultureInfo.InvariantCulture, $"no price known; floor of ${floor:0.00##} per image (UnpricedImageFloorUsd), x{request.Count}") }
            : null;
    }

    private (string Provider, string Model, ImageCost? Estimate, (string Provider, string Model)? Unpriced) EstimateWorstCase(ImageGenerationRequest request)
    {
        // A router may answer from any eligible route: hold the dearest estimate, settle what was actually used.
        var candidates = InnerGenerator.GetService<IImageRouter>()?.GetEligibleRoutes(request)
            .Select(r => (r.Provider, Model: r.Model))
            .ToArray() ?? [(Metadata.ProviderName, request.Model ?? Metadata.DefaultModel)];
        (string Provider, string Model, ImageCost? Estimate, (string, string)? Unpriced) worst = (candidates.FirstOrDefault().Provider ?? Metadata.ProviderName, candidates.FirstOrDefault().Model ?? Metadata.DefaultModel, null, null);
        foreach (var (provider, model) in candidates)
        {
            var estimate = PriceOf(provider, model, request);
            if (estimate is null)
            {
                // Any route without a price may be the one that answers, so a budget cannot bound the call.
                worst.Unpriced ??= (provider, model);
            }
            else if (worst.Estimate is null || estimate.EstimatedUsd > worst.Estimate.EstimatedUsd)
            {
                worst = (provider, model, estimate, worst.Unpriced);
            }
        }

        return worst;
    }
}
