using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.BlackForestLabs;

/// <summary>Registers <see cref="BlackForestLabsImageGenerator"/>.</summary>
public static class BlackForestLabsImageGenerationBuilderExtensions
{
    /// <summary>Adds Black Forest Labs as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/>), options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddBlackForestLabs(this ImageGenerationBuilder builder, Action<BlackForestLabsImageGeneratorOptions>? configure = null, string name = BlackForestLabsImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider<BlackForestLabsImageGenerator, BlackForestLabsImageGeneratorOptions>(
            name,
            context => new BlackForestLabsImageGenerator(context.HttpClient, context.Options, new ImageDownloader(context.DownloadHttpClient, context.Options.Download, BlackForestLabsImageGenerator.ProviderName), context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<BlackForestLabsImageGenerator>(key));
        return builder;
    }
}
