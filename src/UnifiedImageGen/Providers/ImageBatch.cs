using UnifiedImageGen.Costs;

namespace UnifiedImageGen.Providers;

/// <summary>
/// Splits a request for more images than one call allows into several calls, runs them concurrently within a limit,
/// and merges the results. Nothing paid for is dropped: when some calls fail and others succeed, the images of the
/// successful calls are returned and each failed slot carries its error.
/// </summary>
public static class ImageBatch
{
    /// <summary>How many calls of one batch run at once unless told otherwise.</summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>Runs <paramref name="request"/> in calls of at most <paramref name="maxImagesPerCall"/> images.</summary>
    /// <param name="request">The request; its <see cref="ImageGenerationRequest.Count"/> is the total.</param>
    /// <param name="maxImagesPerCall">The most images one call may ask for.</param>
    /// <param name="call">Runs one call for the given request (whose Count is that call's share).</param>
    /// <param name="timeProvider">The clock for the merged <see cref="ImageGenerationResult.Elapsed"/>.</param>
    /// <param name="maxConcurrency">How many calls run at once.</param>
    /// <param name="cancellationToken">Cancels the calls not yet finished.</param>
    /// <returns>The merged result, images in request order.</returns>
    /// <exception cref="ImageGenerationException">Every call failed: the first failure is thrown.</exception>
    public static async Task<ImageGenerationResult> RunAsync(
        ImageGenerationRequest request,
        int maxImagesPerCall,
        Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>> call,
        TimeProvider? timeProvider = null,
        int maxConcurrency = DefaultMaxConcurrency,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImagesPerCall, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        // Each call is a billing part: work a provider accepted in a call that then failed stays chargeable even when
        // other calls (or another route) deliver the result.
        if (request.Count <= maxImagesPerCall)
        {
            return await BillableWork.RunPartAsync(() => call(request, cancellationToken)).ConfigureAwait(false);
        }

        timeProvider ??= TimeProvider.System;
        long started = timeProvider.GetTimestamp();
        var shares = new List<int>();
        for (int left = request.Count; left > 0; left -= maxImagesPerCall)
        {
            shares.Add(Math.Min(left, maxImagesPerCall));
        }

        using var gate = new SemaphoreSlim(maxConcurrency);
        var tasks = shares.Select(async (share, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Each call gets its own seed so a seeded batch does not repeat one image.
                var part = request with { Count = share, Seed = unchecked(request.Seed + (index * maxImagesPerCall)) & long.MaxValue };
                return (Result: await BillableWork.RunPartAsync(() => call(part, cancellationToken)).ConfigureAwait(false), Error: (ImageGenerationException?)null, Share: share);
            }
            catch (ImageGenerationException ex)
            {
                return (Result: (ImageGenerationResult?)null, Error: ex, Share: share);
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);

        var succeeded = outcomes.Where(o => o.Result is not null).Select(o => o.Result!).ToArray();
        if (succeeded.Length == 0)
        {
            throw outcomes[0].Error!;
        }

        var images = new List<GeneratedImage>(request.Count);
        foreach (var outcome in outcomes)
        {
            if (outcome.Result is { } result)
            {
                images.AddRange(result.Images);
            }
            else
            {
                images.AddRange(Enumerable.Repeat(new GeneratedImage { Error = outcome.Error }, outcome.Share));
            }
        }

        var first = succeeded[0];
        return first with
        {
            Images = images,
            Warnings = succeeded.SelectMany(r => r.Warnings).Distinct().ToArray(),
            Usage = Sum(succeeded.Select(r => r.Usage)),
            Cost = Sum(succeeded.Select(r => r.Cost)),
            ProviderRequestId = string.Join(",", succeeded.Select(r => r.ProviderRequestId).Where(id => id is not null)),
            Elapsed = timeProvider.GetElapsedTime(started),
            RawRepresentation = succeeded.Select(r => r.RawRepresentation).ToArray(),
        };
    }

    /// <summary>Adds usages field by field; null when none is known.</summary>
    public static ImageUsage? Sum(IEnumerable<ImageUsage?> usages)
    {
        ArgumentNullException.ThrowIfNull(usages);
        var known = usages.Where(u => u is not null).Select(u => u!).ToArray();
        return known.Length == 0 ? null : new ImageUsage
        {
            InputTokens = SumOf(known.Select(u => u.InputTokens)),
            InputTextTokens = SumOf(known.Select(u => u.InputTextTokens)),
            InputImageTokens = SumOf(known.Select(u => u.InputImageTokens)),
            OutputTokens = SumOf(known.Select(u => u.OutputTokens)),
            TotalTokens = SumOf(known.Select(u => u.TotalTokens)),
            ComputeSeconds = known.Any(u => u.ComputeSeconds is not null) ? known.Sum(u => u.ComputeSeconds ?? 0) : null,
            Credits = known.Any(u => u.Credits is not null) ? known.Sum(u => u.Credits ?? 0) : null,
        };
    }

    /// <summary>Adds costs; the reported figure only when every part reported one.</summary>
    public static ImageCost? Sum(IEnumerable<ImageCost?> costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        var known = costs.Where(c => c is not null).Select(c => c!).ToArray();
        return known.Length == 0 ? null : new ImageCost
        {
            EstimatedUsd = known.Sum(c => c.EstimatedUsd),
            ReportedUsd = known.All(c => c.ReportedUsd is not null) ? known.Sum(c => c.ReportedUsd!.Value) : null,
            Basis = string.Join("; ", known.Select(c => c.Basis).Distinct()),
        };
    }

    private static long? SumOf(IEnumerable<long?> values)
    {
        long? total = null;
        foreach (var value in values)
        {
            if (value is { } v)
            {
                total = (total ?? 0) + v;
            }
        }

        return total;
    }
}
