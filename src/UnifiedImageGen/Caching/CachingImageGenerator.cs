using System.Collections.Concurrent;
using System.Globalization;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Caching;

/// <summary>
/// Answers repeated requests from an <see cref="IImageCache"/>. By default only seeded requests are cached
/// (<see cref="CachePolicy.CacheUnseeded"/>). A hit has <see cref="ImageGenerationResult.FromCache"/> set and costs
/// nothing; concurrent identical misses share one provider call. Only results whose every image succeeded are
/// stored, with their bytes and metadata, never provider URLs or raw payloads.
/// Over a router (<see cref="IImageRouter"/>) entries are kept per route: a request is looked up under the route
/// that would serve it now, and a result is stored under the route that produced it, so an answer a fallback route
/// (or the offline placeholder) gave while the first route was down is never served as that route's answer.
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
    /// <exception cref="ArgumentException">The request breaks an argument rule (<see cref="ImageRequestValidator.ValidateArguments"/>), checked before the cache is read so a hit never skips it.</exception>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Seed is null && !_policy.CacheUnseeded)
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        ImageRequestValidator.ValidateArguments(request);
        var router = InnerGenerator.GetService<IImageRouter>();
        string? key = LookupKey(request, router);
        if (key is null)
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        long started = _timeProvider.GetTimestamp();
        if (await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return AsHit(cached, started);
        }

        // One provider call per key at a time: the first caller leads, the others wait for its result. A flight every
        // waiter has left is being cancelled: a newcomer starts a fresh one instead of inheriting that cancellation.
        Flight current;
        bool leads;
        while (!(current = _inFlight.GetOrAdd(key, static _ => new Flight())).TryJoin(out leads))
        {
            _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, current));
        }

        if (leads)
        {
            _ = RunAsync(key, request, router is not null, current);
        }

        try
        {
            var result = await current.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return leads ? result : AsHit(ForStorage(result), started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop paying for work nobody waits for any more.
            if (current.Leave())
            {
                _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, current));
            }

            throw;
        }
    }

    // Over a router, the route that would serve the request now (skipping rested routes and those unable to do the
    // operation); otherwise this generator's provider and the request's model.
    private string? LookupKey(ImageGenerationRequest request, IImageRouter? router)
    {
        if (router is null)
        {
            return ImageCacheKey.Compute(Metadata.ProviderName, request.Model ?? Metadata.DefaultModel, request);
        }

        var routes = router.GetEligibleRoutes(request);
        return routes.Count == 0 ? null : ImageCacheKey.Compute(routes[0].Provider, routes[0].Model, request);
    }

    // Where a result may be stored: under the route that produced it. A routed result without a successful attempt,
    // or one that a router this layer cannot see served after a failed route, is not stored.
    private static string? StorageKey(string lookupKey, ImageGenerationRequest request, bool routed, ImageGenerationResult result)
    {
        if (!routed)
        {
            return result.Attempts.Any(a => a.Outcome == RouteAttemptOutcome.Failed) ? null : lookupKey;
        }

        return result.Attempts.LastOrDefault(a => a.Outcome == RouteAttemptOutcome.Succeeded) is { } produced
            ? ImageCacheKey.Compute(produced.Provider, produced.Model, request)
            : null;
    }

    private async Task RunAsync(string key, ImageGenerationRequest request, bool routed, Flight flight)
    {
        try
        {
            var result = await InnerGenerator.GenerateAsync(request, flight.Cancellation.Token).ConfigureAwait(false);
            if (!result.FromCache && result.Images.Count > 0 && result.Images.All(i => i.IsSuccess)
                && result.Images.Sum(i => (long)i.Data.Length) <= _policy.MaxEntryBytes
                && StorageKey(key, request, routed, result) is { } storageKey)
            {
                await _cache.SetAsync(storageKey, ForStorage(result), _policy.Expiration, CancellationToken.None).ConfigureAwait(false);
            }

            _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, flight));
            flight.Completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (flight.Cancellation.IsCancellationRequested)
        {
            // Every waiter left: the call was cancelled for them, so the flight ends cancelled, not faulted.
            _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, flight));
            flight.Completion.TrySetCanceled(flight.Cancellation.Token);
        }
        catch (Exception ex)
        {
            _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, flight));
            flight.Completion.TrySetException(ex);

            // Waiters that are still there rethrow it from their own await; when all have left, nobody would observe
            // it and the finalizer would raise TaskScheduler.UnobservedTaskException.
            _ = flight.Completion.Task.Exception;
        }
        finally
        {
            flight.Finish();
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

    // One shared provider call. Its cancellation source, made by the leader, is disposed once the call has ended and
    // no waiter is still cancelling it, whichever comes last.
    private sealed class Flight
    {
        private readonly object _gate = new();
        private CancellationTokenSource? _cancellation;
        private int _waiters;
        private bool _abandoned;
        private bool _cancelling;
        private bool _finished;

        public TaskCompletionSource<ImageGenerationResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Cancellation => _cancellation ?? throw new InvalidOperationException("The flight has no leader yet.");

        // False when every earlier waiter has left (the call is being cancelled); the first to join leads.
        public bool TryJoin(out bool leads)
        {
            lock (_gate)
            {
                leads = false;
                if (_abandoned)
                {
                    return false;
                }

                if (_cancellation is null)
                {
                    _cancellation = new CancellationTokenSource();
                    leads = true;
                }

                _waiters++;
                return true;
            }
        }

        // Returns true when the last waiter left before the call ended: the call is then cancelled.
        public bool Leave()
        {
            lock (_gate)
            {
                if (--_waiters > 0 || _finished)
                {
                    return false;
                }

                _abandoned = true;
                _cancelling = true;
            }

            // Outside the lock: cancellation callbacks may run the end of the call, and so Finish, on this thread.
            Cancellation.Cancel();
            bool dispose;
            lock (_gate)
            {
                _cancelling = false;
                dispose = _finished;
            }

            if (dispose)
            {
                Cancellation.Dispose();
            }

            return true;
        }

        public void Finish()
        {
            bool dispose;
            lock (_gate)
            {
                _finished = true;
                dispose = !_cancelling;
            }

            if (dispose)
            {
                Cancellation.Dispose();
            }
        }
    }
}
