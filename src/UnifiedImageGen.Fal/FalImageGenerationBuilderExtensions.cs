using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Fal;

/// <summary>Registers <see cref="FalImageGenerator"/>.</summary>
public static class FalImageGenerationBuilderExtensions
{
    /// <summary>Adds fal as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/>), options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddFal(this ImageGenerationBuilder builder, Action<FalImageGeneratorOptions>? configure = null, string name = FalImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider<FalImageGenerator, FalImageGeneratorOptions>(
            name,
            context => new FalImageGenerator(
                context.HttpClient,
                context.Options,
                new ImageDownloader(context.DownloadHttpClient, context.Options.Download, FalImageGenerator.ProviderName),
                context.TimeProvider,
                owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<FalImageGenerator>(key));
        return builder;
    }
}
