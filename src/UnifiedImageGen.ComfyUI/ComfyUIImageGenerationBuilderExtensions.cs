using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.ComfyUI;

/// <summary>Registers <see cref="ComfyUIImageGenerator"/>.</summary>
public static class ComfyUIImageGenerationBuilderExtensions
{
    /// <summary>Adds self-hosted ComfyUI as a keyed <see cref="IImageGenerator"/> (and <see cref="IImageJobGenerator"/>), options from <c>ImageGeneration:Providers:{name}</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets servers and workflows in code, after configuration.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the typed client.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddComfyUI(this ImageGenerationBuilder builder, Action<ComfyUIImageGeneratorOptions>? configure = null, string name = ComfyUIImageGenerator.ProviderName, Action<IHttpClientBuilder>? configureHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider<ComfyUIImageGenerator, ComfyUIImageGeneratorOptions>(
            name,
            context => new ComfyUIImageGenerator(context.HttpClient, context.Options, context.TimeProvider, owned: false),
            static (section, options) => section.Bind(options),
            configure,
            configureHttpClient);
        builder.Services.AddKeyedSingleton<IImageJobGenerator>(name, (services, key) => services.GetRequiredKeyedService<ComfyUIImageGenerator>(key));
        return builder;
    }
}
