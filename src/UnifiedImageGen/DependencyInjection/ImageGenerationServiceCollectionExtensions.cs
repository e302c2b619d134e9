using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen;

/// <summary>Registers image generation with dependency injection.</summary>
public static class ImageGenerationServiceCollectionExtensions
{
    /// <summary>
    /// Adds image generation. Chain <c>Add{Provider}()</c> calls and pipeline layers on the returned builder; resolve
    /// <see cref="IImageGenerator"/> for the default pipeline, or a keyed <see cref="IImageGenerator"/> for one provider.
    /// Calling it again returns the same builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>ImageGeneration</c> section: <c>DefaultProvider</c>, <c>Resilience</c>, <c>Providers:{name}:*</c>.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddImageGeneration(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(ImageGenerationBuilder) && !d.IsKeyedService)?.ImplementationInstance;
        if (existing is ImageGenerationBuilder registered)
        {
            return registered;
        }

        var builder = new ImageGenerationBuilder(services, configuration);
        services.AddSingleton(builder);
        services.AddHttpClient();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        var options = services.AddOptions<ImageGenerationOptions>();
        if (configuration is not null)
        {
            options.Configure(o => configuration.Bind(o));
        }

        services.TryAddSingleton<IImageGenerator>(sp => builder.BuildPipeline(sp));
        return builder;
    }
}
