using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.OpenAI;

/// <summary>Registers <see cref="OpenAIImageGenerator"/>.</summary>
public static class OpenAIImageGenerationBuilderExtensions
{
    /// <summary>
    /// Adds OpenAI (or an OpenAI-compatible host) as a keyed <see cref="IImageGenerator"/>, with options bound from
    /// <c>ImageGeneration:Providers:{name}</c> and a typed client whose retries never repeat a 429 that means
    /// <c>insufficient_quota</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name; use another (<c>"azure"</c>, <c>"xai"</c>) to register several endpoints.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddOpenAI(
        this ImageGenerationBuilder builder,
        Action<OpenAIImageGeneratorOptions>? configure = null,
        string name = OpenAIImageGenerator.ProviderName,
        Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureResilience(name, OpenAIResilience.Configure);
        return builder.AddProvider<OpenAIImageGenerator, OpenAIImageGeneratorOptions>(
            name,
            context => new OpenAIImageGenerator(
                context.HttpClient,
                context.Options,
                new ImageDownloader(context.DownloadHttpClient, context.Options.Download, OpenAIImageGenerator.ProviderName),
                context.TimeProvider,
                []),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
    }
}
