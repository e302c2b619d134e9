namespace UnifiedImageGen.Caching;

/// <summary>
/// An in-process <see cref="IImageCache"/>: it keeps the result object itself (the image arrays are shared, not copied),
/// expires entries on the injected clock, and evicts the least recently used entries beyond <see cref="MaxTotalBytes"/>.
/// Every operation is O(1): a hit moves its entry to the front of a recency list, an insert drops entries from the back.
/// </summary>
public sealed class MemoryImageCache : IImageCache
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
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

    /// <summary>The image bytes kept now (expired entries count until they are looked up or evicted).</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>The number of entries.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<ImageGenerationResult?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return default;
            }

            if (now >= node.Value.ExpiresAtTicks)
            {
                Remove(node);
                return default;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return new ValueTask<ImageGenerationResult?>(node.Value.Result);
        }
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(string key, ImageGenerationResult result, TimeSpan expiration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        long bytes = 0;
        foreach (var image in result.Images)
        {
            bytes += image.Data.Length;
        }

        if (bytes > MaxTotalBytes)
        {
            return default;
        }

        var entry = new Entry(key, result, bytes, _timeProvider.GetUtcNow().UtcTicks + expiration.Ticks);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                Remove(old);
            }

            _entries[key] = _recency.AddFirst(entry);
            Interlocked.Add(ref _totalBytes, bytes);
            while (_totalBytes > MaxTotalBytes && _recency.Last is { } leastRecent)
            {
                Remove(leastRecent);
            }
        }

        return default;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                Remove(node);
            }
        }

        return default;
    }

    // Callers hold _gate.
    private void Remove(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recency.Remove(node);
        Interlocked.Add(ref _totalBytes, -node.Value.Bytes);
    }

    private sealed record Entry(string Key, ImageGenerationResult Result, long Bytes, long ExpiresAtTicks);
}
