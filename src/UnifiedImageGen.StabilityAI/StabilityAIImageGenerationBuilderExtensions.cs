using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.StabilityAI;

/// <summary>Registers <see cref="StabilityAIImageGenerator"/>.</summary>
public static class StabilityAIImageGenerationBuilderExtensions
{
    /// <summary>
    /// Adds Stability AI as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/> for its async
    /// endpoints), options from <c>ImageGeneration:Providers:{name}</c>. Its 429 is not retried by the resilience handler:
    /// Stability locks a key out for 60 s, so the error goes to the caller (or the next route) with that wait.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddStabilityAI(this ImageGenerationBuilder builder, Action<StabilityAIImageGeneratorOptions>? configure = null, string name = StabilityAIImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureResilience(name, resilience => resilience.IsPermanentFailure ??= static (response, _) => ValueTask.FromResult(response.StatusCode == HttpStatusCode.TooManyRequests));
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
