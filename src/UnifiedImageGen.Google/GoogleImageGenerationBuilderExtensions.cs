using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.Google;

/// <summary>Registers <see cref="GoogleImageGenerator"/>.</summary>
public static class GoogleImageGenerationBuilderExtensions
{
    /// <summary>Adds Google as a keyed <see cref="IImageGenerator"/>, options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration (the Vertex AI token provider goes here).</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddGoogle(this ImageGenerationBuilder builder, Action<GoogleImageGeneratorOptions>? configure = null, string name = GoogleImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureResilience(name, GoogleImageGenerator.ConfigureResilience);
        return builder.AddProvider<GoogleImageGenerator, GoogleImageGeneratorOptions>(
            name,
            context => new GoogleImageGenerator(context.HttpClient, context.Options, context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
    }
}
