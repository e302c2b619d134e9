using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.Caching;

/// <summary>Adds <see cref="CachingImageGenerator"/> to a pipeline.</summary>
public static class CachingBuilderExtensions
{
    /// <summary>Adds a caching layer over an <see cref="IImageCache"/> (in memory when null).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="cache">The store.</param>
    /// <param name="policy">What to cache.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The builder.</returns>
    public static ImageGeneratorBuilder UseCaching(this ImageGeneratorBuilder builder, IImageCache? cache = null, CachePolicy? policy = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        cache ??= new MemoryImageCache(policy?.MemoryMaxBytes ?? 256L * 1024 * 1024, timeProvider);
        return builder.Use(inner => new CachingImageGenerator(inner, cache, policy, timeProvider));
    }

    /// <summary>
    /// Adds a caching layer to the default pipeline, with the policy from <c>ImageGeneration:Caching</c> and then
    /// <paramref name="configure"/>. The store is the application's <see cref="IImageCache"/> if it registered one, else
    /// the registered <see cref="IDistributedCache"/> when <see cref="CachePolicy.UseDistributedCache"/> is set, else memory.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the policy.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder UseCaching(this ImageGenerationBuilder builder, Action<CachePolicy>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFeatureOptions<CachePolicy>("Caching", static (section, o) => section.Bind(o), configure, static (o, path) => o.Validate(path));
        builder.Services.AddSingleton<CachingStore>();
        return builder.Use((inner, services) =>
        {
            var policy = services.GetRequiredService<IOptions<CachePolicy>>().Value;
            return new CachingImageGenerator(inner, services.GetRequiredService<CachingStore>().Cache, policy, services.GetService<TimeProvider>());
        });
    }

    // Resolves the store once per container, so every pipeline built from it shares one cache.
    private sealed class CachingStore(IServiceProvider services, IOptions<CachePolicy> policy)
    {
        public IImageCache Cache { get; } = services.GetService<IImageCache>()
            ?? (policy.Value.UseDistributedCache
                ? new DistributedImageCache(services.GetService<IDistributedCache>() ?? throw new InvalidOperationException("ImageGeneration:Caching:UseDistributedCache is set, but no IDistributedCache is registered (add Redis, SQL Server or another distributed cache)."))
                : new MemoryImageCache(policy.Value.MemoryMaxBytes, services.GetService<TimeProvider>()));
    }
}
