namespace UnifiedImageGen.Caching;

/// <summary>
/// Stores generated images by cache key. Implementations keep the image bytes and metadata of a result (never provider
/// URLs): <see cref="MemoryImageCache"/> in process, <see cref="DistributedImageCache"/> over any
/// <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/> (Redis, SQL Server, ...) for a fleet.
/// </summary>
public interface IImageCache
{
    /// <summary>Returns the stored result for <paramref name="key"/>, or null.</summary>
    /// <param name="key">A key from <see cref="ImageCacheKey.Compute"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<ImageGenerationResult?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores a result (already stripped of URLs and raw payloads by the caller).</summary>
    /// <param name="key">The key.</param>
    /// <param name="result">The result to keep.</param>
    /// <param name="expiration">How long to keep it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask SetAsync(string key, ImageGenerationResult result, TimeSpan expiration, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);
}
