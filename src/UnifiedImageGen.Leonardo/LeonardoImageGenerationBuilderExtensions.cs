using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Leonardo;

/// <summary>Registers <see cref="LeonardoImageGenerator"/>.</summary>
public static class LeonardoImageGenerationBuilderExtensions
{
    /// <summary>Adds Leonardo as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/>), options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddLeonardo(this ImageGenerationBuilder builder, Action<LeonardoImageGeneratorOptions>? configure = null, string name = LeonardoImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider<LeonardoImageGenerator, LeonardoImageGeneratorOptions>(
            name,
            context => new LeonardoImageGenerator(context.HttpClient, context.Options, new ImageDownloader(context.DownloadHttpClient, context.Options.Download, LeonardoImageGenerator.ProviderName), context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<LeonardoImageGenerator>(key));
        return builder;
    }
}
