using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Replicate;

/// <summary>Registers <see cref="ReplicateImageGenerator"/>.</summary>
public static class ReplicateImageGenerationBuilderExtensions
{
    /// <summary>Adds Replicate as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/>), options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddReplicate(this ImageGenerationBuilder builder, Action<ReplicateImageGeneratorOptions>? configure = null, string name = ReplicateImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider<ReplicateImageGenerator, ReplicateImageGeneratorOptions>(
            name,
            context => new ReplicateImageGenerator(
                context.HttpClient,
                context.Options,
                new ImageDownloader(context.DownloadHttpClient, context.Options.Download, ReplicateImageGenerator.ProviderName),
                context.TimeProvider,
                owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<ReplicateImageGenerator>(key));
        return builder;
    }
}
