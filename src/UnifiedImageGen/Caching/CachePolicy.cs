namespace UnifiedImageGen.Caching;

/// <summary>What <see cref="CachingImageGenerator"/> stores and for how long. Binds from <c>ImageGeneration:Caching</c>.</summary>
public sealed class CachePolicy
{
    /// <summary>
    /// Whether requests without a <see cref="ImageGenerationRequest.Seed"/> are cached too. Off by default: without a
    /// seed a provider gives a different image each time, so a cached one would change what callers get.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool CacheUnseeded { get; set; }

    /// <summary>How long an entry lives.</summary>
    /// <value>7 days.</value>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Results larger than this (all images together) are not stored.</summary>
    /// <value>64 MiB.</value>
    public long MaxEntryBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>With dependency injection: store entries in the registered <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/> (shared by a fleet) instead of process memory. An <see cref="IImageCache"/> registered by the application wins over both.</summary>
    /// <value><see langword="false"/>.</value>
    public bool UseDistributedCache { get; set; }

    /// <summary>With the in-memory store: the most image bytes kept.</summary>
    /// <value>256 MiB.</value>
    public long MemoryMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Checks the values, naming each setting.</summary>
    /// <param name="configurationPath">Where the options bind from.</param>
    public IEnumerable<string> Validate(string configurationPath)
    {
        if (Expiration <= TimeSpan.Zero)
        {
            yield return $"{configurationPath}:Expiration must be positive.";
        }

        if (MaxEntryBytes < 1 || MemoryMaxBytes < 1)
        {
            yield return $"{configurationPath}:MaxEntryBytes and MemoryMaxBytes must be positive.";
        }
    }
}
