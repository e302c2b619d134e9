using System.Globalization;
using UnifiedImageGen.Routing;

namespace UnifiedImageGen.Costs;

/// <summary>
/// Prices every call: estimates it before (refusing it with <see cref="ImageGenerationErrorKind.BudgetExceeded"/>, before
/// any network call, when the estimate would break a budget), holds the estimate in the ledger while the call runs so
/// concurrent calls cannot overspend, then settles the actual cost (provider-reported where given) and puts both on
/// <see cref="ImageGenerationResult.Cost"/>. A failed call is released and costs nothing.
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
    public CostTrackingImageGenerator(IImageGenerator innerGenerator, IPriceCatalog? catalog = null, ICostLedger? ledger = null, CostTrackingOptions? options = null, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        _options = options ?? new CostTrackingOptions();
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
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (provider, model, estimate) = EstimateWorstCase(request);
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

        if (_budgets.Count > 0 && estimate is null && _options.RefuseUnpricedWithBudget)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.BudgetExceeded, $"No price is known for {provider}/{model}, and unpriced calls are refused while a budget is set. Add a price line (ImageGeneration:Costs:Prices).") { Provider = provider, Model = model };
        }

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

        ImageGenerationResult result;
        try
        {
            result = await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing was delivered, so nothing is charged; release the hold.
            await _ledger.CompleteAsync(entry with { Status = CostEntryStatus.Released, ActualUsd = 0m }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        decimal? actual = _catalog.Actual(request, result);
        var settled = entry with
        {
            Provider = result.Provider,
            Model = result.Model,
            Images = result.Images.Count(i => i.IsSuccess),
            ActualUsd = actual ?? result.Cost?.EstimatedUsd ?? entry.EstimatedUsd,
            Basis = result.Cost?.ReportedUsd is not null ? "reported by the provider" : entry.Basis,
            Status = CostEntryStatus.Settled,
        };
        await _ledger.CompleteAsync(settled, CancellationToken.None).ConfigureAwait(false);
        return result with
        {
            Cost = new ImageCost
            {
                EstimatedUsd = estimate?.EstimatedUsd ?? result.Cost?.EstimatedUsd ?? 0m,
                ReportedUsd = actual,
                Basis = result.FromCache ? "cache hit" : settled.Basis,
            },
        };
    }

    private (string Provider, string Model, ImageCost? Estimate) EstimateWorstCase(ImageGenerationRequest request)
    {
        // A router may answer from any eligible route: hold the dearest estimate, settle what was actually used.
        var candidates = InnerGenerator.GetService<IImageRouter>()?.GetEligibleRoutes(request)
            .Select(r => (r.Provider, Model: r.Model))
            .ToArray() ?? [(Metadata.ProviderName, request.Model ?? Metadata.DefaultModel)];
        (string Provider, string Model, ImageCost? Estimate) worst = (candidates.FirstOrDefault().Provider ?? Metadata.ProviderName, candidates.FirstOrDefault().Model ?? Metadata.DefaultModel, null);
        foreach (var (provider, model) in candidates)
        {
            var estimate = _catalog.Estimate(provider, model, request);
            if (estimate is not null && (worst.Estimate is null || estimate.EstimatedUsd > worst.Estimate.EstimatedUsd))
            {
                worst = (provider, model, estimate);
            }
        }

        return worst;
    }
}
