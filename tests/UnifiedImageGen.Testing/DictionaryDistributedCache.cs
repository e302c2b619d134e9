using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace UnifiedImageGen.Testing;

/// <summary>An <see cref="IDistributedCache"/> over a dictionary, recording what was stored, for cache tests.</summary>
public sealed class DictionaryDistributedCache : IDistributedCache
{
    public ConcurrentDictionary<string, (byte[] Value, DistributedCacheEntryOptions Options)> Entries { get; } = new();

    public byte[]? Get(string key) => Entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => Entries.TryRemove(key, out _);

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Entries[key] = (value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }
}
