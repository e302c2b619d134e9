using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.Costs;

/// <summary>Adds <see cref="CostTrackingImageGenerator"/> to a pipeline.</summary>
public static class CostTrackingBuilderExtensions
{
    /// <summary>Adds a cost-tracking layer.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Budgets and price overrides.</param>
    /// <param name="catalog">Prices; the built-in table with the overrides when null.</param>
    /// <param name="ledger">The ledger; in memory when null.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The builder.</returns>
    public static ImageGeneratorBuilder UseCostTracking(this ImageGeneratorBuilder builder, CostTrackingOptions? options = null, IPriceCatalog? catalog = null, ICostLedger? ledger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new CostTrackingImageGenerator(inner, catalog, ledger, options, timeProvider));
    }

    /// <summary>
    /// Adds a cost-tracking layer to the default pipeline, with budgets and prices from <c>ImageGeneration:Costs</c> and
    /// then <paramref name="configure"/>. Registers <see cref="IPriceCatalog"/> and <see cref="ICostLedger"/> (in memory)
    /// unless the application registered its own.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets budgets and prices.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder UseCostTracking(this ImageGenerationBuilder builder, Action<CostTrackingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFeatureOptions<CostTrackingOptions>("Costs", static (section, o) => section.Bind(o), configure, static (o, path) => o.Validate(path));
        builder.Services.TryAddSingleton<IPriceCatalog>(services => new PriceCatalog(services.GetRequiredService<IOptions<CostTrackingOptions>>().Value.Prices));
        builder.Services.TryAddSingleton<ICostLedger>(services => new InMemoryCostLedger(services.GetService<TimeProvider>()));
        return builder.Use((inner, services) => new CostTrackingImageGenerator(
            inner,
            services.GetRequiredService<IPriceCatalog>(),
            services.GetRequiredService<ICostLedger>(),
            services.GetRequiredService<IOptions<CostTrackingOptions>>().Value,
            services.GetService<TimeProvider>()));
    }
}
