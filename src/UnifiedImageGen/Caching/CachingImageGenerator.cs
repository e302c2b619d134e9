using System.Collections.Concurrent;
using System.Globalization;

namespace UnifiedImageGen.Caching;

/// <summary>
/// Answers repeated requests from an <see cref="IImageCache"/>. By default only seeded requests are cached
/// (<see cref="CachePolicy.CacheUnseeded"/>). A hit has <see cref="ImageGenerationResult.FromCache"/> set and costs
/// nothing; concurrent identical misses share one provider call. Only results whose every image succeeded are
/// stored, with their bytes and metadata, never provider URLs or raw payloads.
/// </summary>
public sealed class CachingImageGenerator : DelegatingImageGenerator
{
    private readonly IImageCache _cache;
    private readonly CachePolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, Flight> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator (or router) to cache.</param>
    /// <param name="cache">The store; a new <see cref="MemoryImageCache"/> when null.</param>
    /// <param name="policy">What to cache and for how long.</param>
    /// <param name="timeProvider">The clock for elapsed time.</param>
    public CachingImageGenerator(IImageGenerator innerGenerator, IImageCache? cache = null, CachePolicy? policy = null, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _cache = cache ?? new MemoryImageCache(timeProvider: _timeProvider);
        _policy = policy ?? new CachePolicy();
    }

    /// <summary>The store.</summary>
    public IImageCache Cache => _cache;

    /// <inheritdoc/>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? key = request.Seed is null && !_policy.CacheUnseeded
            ? null
            : ImageCacheKey.Compute(Metadata.ProviderName, request.Model ?? Metadata.DefaultModel, request);
        if (key is null)
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        long started = _timeProvider.GetTimestamp();
        if (await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return AsHit(cached, started);
        }

        // One provider call per key at a time: the first caller leads, the others wait for its result.
        var flight = new Flight();
        var current = _inFlight.GetOrAdd(key, flight);
        bool leads = ReferenceEquals(current, flight);
        Interlocked.Increment(ref current.Waiters);
        if (leads)
        {
            _ = RunAsync(key, request, flight);
        }

        try
        {
            var result = await current.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return leads ? result : AsHit(ForStorage(result), started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop paying for work nobody waits for any more.
            if (Interlocked.Decrement(ref current.Waiters) == 0)
            {
                await current.Cancellation.CancelAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private async Task RunAsync(string key, ImageGenerationRequest request, Flight flight)
    {
        try
        {
            var result = await InnerGenerator.GenerateAsync(request, flight.Cancellation.Token).ConfigureAwait(false);
            if (!result.FromCache && result.Images.Count > 0 && result.Images.All(i => i.IsSuccess)
                && result.Images.Sum(i => (long)i.Data.Length) <= _policy.MaxEntryBytes)
            {
                await _cache.SetAsync(key, ForStorage(result), _policy.Expiration, CancellationToken.None).ConfigureAwait(false);
            }

            _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, flight));
            flight.Completion.TrySetResult(result);
        }
        catch (Exception ex)
        {
            _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, flight));
            flight.Completion.TrySetException(ex);
        }
    }

    // A hit only needs its own elapsed time: everything else was prepared when the entry was stored.
    private ImageGenerationResult AsHit(ImageGenerationResult stored, long started) => stored with
    {
        FromCache = true,
        Elapsed = _timeProvider.GetElapsedTime(started),
    };

    // What is stored is already shaped as a hit: no URLs, no raw payload, no attempts, a zero cost that remembers the original.
    private static ImageGenerationResult ForStorage(ImageGenerationResult result) => result with
    {
        Images = result.Images.Select(i => i.SourceUri is null && i.Error is null ? i : i with { SourceUri = null, Error = null }).ToArray(),
        Attempts = [],
        RawRepresentation = null,
        FromCache = true,
        Cost = new ImageCost
        {
            EstimatedUsd = 0m,
            ReportedUsd = 0m,
            Basis = result.Cost is { } original
                ? string.Create(CultureInfo.InvariantCulture, $"cache hit (first made for ${original.Usd:0.00##})")
                : "cache hit",
        },
    };

    private sealed class Flight
    {
        public int Waiters;

        public TaskCompletionSource<ImageGenerationResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Cancellation { get; } = new();
    }
}
