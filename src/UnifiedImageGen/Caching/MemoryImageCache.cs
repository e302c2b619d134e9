using System.Collections.Concurrent;

namespace UnifiedImageGen.Caching;

/// <summary>
/// An in-process <see cref="IImageCache"/>: it keeps the result object itself (the image arrays are shared, not copied),
/// expires entries on the injected clock, and evicts the least recently used entries beyond <see cref="MaxTotalBytes"/>.
/// </summary>
public sealed class MemoryImageCache : IImageCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly object _evictionGate = new();
    private long _totalBytes;

    /// <summary>Creates the cache.</summary>
    /// <param name="maxTotalBytes">The most image bytes kept; 256 MiB by default.</param>
    /// <param name="timeProvider">The clock for expiry.</param>
    public MemoryImageCache(long maxTotalBytes = 256L * 1024 * 1024, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTotalBytes, 1);
        MaxTotalBytes = maxTotalBytes;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The most image bytes kept.</summary>
    public long MaxTotalBytes { get; }

    /// <summary>The image bytes kept now.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public ValueTask<ImageGenerationResult?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return default;
        }

        long now = _timeProvider.GetUtcNow().UtcTicks;
        if (now >= entry.ExpiresAtTicks)
        {
            Remove(key);
            return default;
        }

        Volatile.Write(ref entry.LastUsedTicks, now);
        return new ValueTask<ImageGenerationResult?>(entry.Result);
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(string key, ImageGenerationResult result, TimeSpan expiration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        long bytes = result.Images.Sum(i => (long)i.Data.Length);
        if (bytes > MaxTotalBytes)
        {
            return default;
        }

        long now = _timeProvider.GetUtcNow().UtcTicks;
        var entry = new Entry(result, bytes, now + expiration.Ticks) { LastUsedTicks = now };
        _entries.AddOrUpdate(key, entry, (_, old) =>
        {
            Interlocked.Add(ref _totalBytes, -old.Bytes);
            return entry;
        });
        Interlocked.Add(ref _totalBytes, bytes);
        if (TotalBytes > MaxTotalBytes)
        {
            Evict();
        }

        return default;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        Remove(key);
        return default;
    }

    private void Remove(string key)
    {
        if (_entries.TryRemove(key, out var removed))
        {
            Interlocked.Add(ref _totalBytes, -removed.Bytes);
        }
    }

    private void Evict()
    {
        lock (_evictionGate)
        {
            long now = _timeProvider.GetUtcNow().UtcTicks;
            foreach (var (key, entry) in _entries.OrderBy(p => p.Value.ExpiresAtTicks > now ? 1 : 0).ThenBy(p => Volatile.Read(ref p.Value.LastUsedTicks)))
            {
                if (TotalBytes <= MaxTotalBytes)
                {
                    break;
                }

                Remove(key);
            }
        }
    }

    private sealed class Entry(ImageGenerationResult result, long bytes, long expiresAtTicks)
    {
        public long LastUsedTicks;

        public ImageGenerationResult Result { get; } = result;

        public long Bytes { get; } = bytes;

        public long ExpiresAtTicks { get; } = expiresAtTicks;
    }
}
