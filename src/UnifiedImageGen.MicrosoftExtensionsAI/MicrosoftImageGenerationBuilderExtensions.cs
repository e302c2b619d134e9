using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;
using Meai = Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>Registers Microsoft.Extensions.AI image generators as UnifiedImageGen providers.</summary>
public static class MicrosoftImageGenerationBuilderExtensions
{
    /// <summary>
    /// Adds a Microsoft.Extensions.AI image generator as the provider <paramref name="name"/>: a keyed
    /// <see cref="IImageGenerator"/> that routes, fallback chains, caching and cost tracking can use like any other
    /// provider, with a download client for URL results whose connections are checked against private addresses.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The provider name and service key; also the adapter's provider name unless <paramref name="configure"/> sets another.</param>
    /// <param name="factory">
    /// Creates the generator, which the provider then owns and disposes. When null, the generator is resolved from the
    /// container (keyed by <paramref name="name"/>, else unkeyed) and left to the container to dispose.
    /// </param>
    /// <param name="configure">Sets the adapter's options (models, error mapping, download limits).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    public static ImageGenerationBuilder AddMicrosoftImageGenerator(
        this ImageGenerationBuilder builder,
        string name,
        Func<IServiceProvider, Meai.IImageGenerator>? factory = null,
        Action<MicrosoftImageGeneratorAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new MicrosoftImageGeneratorAdapterOptions { ProviderName = name };
        configure?.Invoke(options);

        string downloadClientName = "UnifiedImageGen." + name + ".Downloads";
        builder.AddProvider(name, services =>
        {
            var generator = factory?.Invoke(services)
                ?? services.GetKeyedService<Meai.IImageGenerator>(name)
                ?? services.GetRequiredService<Meai.IImageGenerator>();
            return new MicrosoftToUnifiedImageGenerator(
                generator,
                options,
                ownsInner: factory is not null,
                services.GetRequiredService<IHttpClientFactory>().CreateClient(downloadClientName),
                services.GetService<TimeProvider>());
        });

        builder.Services.AddHttpClient(downloadClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => ImageDownloader.CreateGuardedHandler(options.Download, name))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan); // the guarded handler recycles connections itself
        return builder;
    }
}
