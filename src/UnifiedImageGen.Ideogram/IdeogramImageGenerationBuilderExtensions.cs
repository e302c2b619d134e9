using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Ideogram;

/// <summary>Registers <see cref="IdeogramImageGenerator"/>.</summary>
public static class IdeogramImageGenerationBuilderExtensions
{
    /// <summary>Adds Ideogram as a keyed <see cref="IImageGenerator"/>, options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddIdeogram(this ImageGenerationBuilder builder, Action<IdeogramImageGeneratorOptions>? configure = null, string name = IdeogramImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider<IdeogramImageGenerator, IdeogramImageGeneratorOptions>(
            name,
            context => new IdeogramImageGenerator(context.HttpClient, context.Options, new ImageDownloader(context.DownloadHttpClient, context.Options.Download, IdeogramImageGenerator.ProviderName), context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
    }
}
