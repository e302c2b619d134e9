using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>Registers <see cref="AdobeFireflyImageGenerator"/>.</summary>
public static class AdobeFireflyImageGenerationBuilderExtensions
{
    /// <summary>Adds Adobe Firefly as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/>), options from <c>ImageGeneration:Providers:{name}</c> (ApiKey = client id, ClientSecret).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddAdobeFirefly(this ImageGenerationBuilder builder, Action<AdobeFireflyImageGeneratorOptions>? configure = null, string name = AdobeFireflyImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider<AdobeFireflyImageGenerator, AdobeFireflyImageGeneratorOptions>(
            name,
            context => new AdobeFireflyImageGenerator(context.HttpClient, context.Options, new ImageDownloader(context.DownloadHttpClient, context.Options.Download, AdobeFireflyImageGenerator.ProviderName), context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<AdobeFireflyImageGenerator>(key));
        return builder;
    }
}
