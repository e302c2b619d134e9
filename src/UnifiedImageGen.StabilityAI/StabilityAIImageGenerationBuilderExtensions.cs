using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Costs;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.StabilityAI;

/// <summary>Registers <see cref="StabilityAIImageGenerator"/>.</summary>
public static class StabilityAIImageGenerationBuilderExtensions
{
    /// <summary>
    /// Adds Stability AI as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/> for its async
    /// endpoints), options from <c>ImageGeneration:Providers:{name}</c>. Its 429 is not retried (see
    /// <see cref="StabilityAIImageGenerator"/>), and its models' credit prices (<see cref="StabilityAIModels.PriceLines"/>)
    /// go ahead of configured price lines in <see cref="CostTrackingOptions.Prices"/>, so configured lines still win.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddStabilityAI(this ImageGenerationBuilder builder, Action<StabilityAIImageGeneratorOptions>? configure = null, string name = StabilityAIImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureResilience(name, static resilience => StabilityAIImageGenerator.ConfigureResilience(resilience));
        builder.Services.Configure<CostTrackingOptions>(static costs => costs.Prices.InsertRange(0, StabilityAIModels.PriceLines()));
        builder.AddProvider<StabilityAIImageGenerator, StabilityAIImageGeneratorOptions>(
            name,
            context => new StabilityAIImageGenerator(context.HttpClient, context.Options, context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<StabilityAIImageGenerator>(key));
        return builder;
    }
}
