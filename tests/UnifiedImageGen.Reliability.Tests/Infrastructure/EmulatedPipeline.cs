using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Emulator;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Routing;

namespace UnifiedImageGen.Reliability.Tests.Infrastructure;

/// <summary>The full DI pipeline (providers on the emulator, fallback routing, cost tracking) the tests call through.</summary>
internal static class EmulatedPipeline
{
    public static ServiceProvider Build(
        ProviderEmulator emulator,
        IEnumerable<ProviderUnderTest> providers,
        TimeProvider? time,
        InFlightCounter? counter,
        Action<ImageGenerationResilienceOptions> resilience,
        Action<FallbackOptions> routing)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var builder = services.AddImageGeneration();
        foreach (var provider in providers)
        {
            provider.Register(builder, emulator.EndpointFor(provider.Emulated), http =>
            {
                if (counter is not null)
                {
                    http.AddHttpMessageHandler(counter.CreateHandler);
                }
            }, realClock: time is null);
        }

        builder.AddPlaceholder()
            .ConfigureResilience(null, resilience)
            .UseFallback(routing)
            .UseCostTracking(costs =>
            {
                foreach (var provider in providers.Where(p => p.UsdPerImage is not null))
                {
                    costs.Prices.Add(new PriceEntry { Provider = provider.Emulated, Model = provider.Model, Unit = PriceUnit.PerImage, Usd = provider.UsdPerImage!.Value, Source = "the emulator's price line" });
                }
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static async Task<CostEntry> SingleLedgerEntryAsync(IServiceProvider services)
    {
        var entries = await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery());
        return Assert.Single(entries);
    }
}
