using System.Runtime.CompilerServices;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Jobs;

/// <summary>A job a provider just started, with the warnings its request produced.</summary>
/// <param name="Job">The job.</param>
/// <param name="Warnings">Settings dropped or adjusted when the request was mapped.</param>
public sealed record StartedJob(ImageJob Job, IReadOnlyList<ImageGenerationWarning> Warnings);

/// <summary>
/// The polling engine job providers plug into: they start a job, read a job's state and fetch a finished job's
/// result; this base polls on the injected <see cref="TimeProvider"/> (the interval grows by half up to
/// <see cref="JobImageGeneratorOptionsBase.MaxPollingInterval"/>), enforces
/// <see cref="JobImageGeneratorOptionsBase.MaxWait"/>, turns states into updates, splits counts above the model's
/// limit, and cancels the job at the provider when the caller gives up, so nobody pays for abandoned work.
/// </summary>
public abstract class JobImageGeneratorBase : IImageJobGenerator
{
    private readonly JobImageGeneratorOptionsBase _options;

    /// <summary>Creates the base.</summary>
    /// <param name="options">Polling and waiting settings.</param>
    /// <param name="timeProvider">The clock polling runs on.</param>
    protected JobImageGeneratorBase(JobImageGeneratorOptionsBase options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public abstract ImageGeneratorMetadata Metadata { get; }

    /// <summary>The clock polling runs on.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <inheritdoc/>
    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        // Argument rules first: a Count out of range must not be split into many valid calls.
        ImageRequestValidator.ValidateArguments(request);
        var model = Metadata.GetModel(request.Model);
        return ImageBatch.RunAsync(request, GetMaxImagesPerCall(request, model), StartAndWaitAsync, TimeProvider, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The most images one call of <paramref name="request"/> may ask for: the model's
    /// <see cref="ImageModelDescriptor.MaxImagesPerCall"/> unless the provider's limit depends on the request (such as its size).
    /// </summary>
    /// <param name="request">The whole request (its Count is the total).</param>
    /// <param name="model">The descriptor of the request's model.</param>
    protected virtual int GetMaxImagesPerCall(ImageGenerationRequest request, ImageModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.MaxImagesPerCall;
    }

    /// <inheritdoc/>
    public async Task<ImageJob> StartAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
        (await StartJobAsync(request, callerWaits: false, cancellationToken).ConfigureAwait(false)).Job;

    /// <inheritdoc/>
    public abstract Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public async Task<ImageGenerationResult> WaitForCompletionAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        long started = TimeProvider.GetTimestamp();
        ImageJob? last = null;
        await foreach (var job in PollAsync(null, jobId, cancellationToken).ConfigureAwait(false))
        {
            last = job;
        }

        return await CompleteAsync(last!, started, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ImageGenerationUpdate> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        long started = TimeProvider.GetTimestamp();
        ImageJob? previous = null;
        await foreach (var job in PollAsync(null, jobId, cancellationToken).ConfigureAwait(false))
        {
            foreach (var update in Updates(previous, job))
            {
                yield return update;
            }

            previous = job;
        }

        var result = await CompleteAsync(previous!, started, cancellationToken).ConfigureAwait(false);
        yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Completed, Provider = Metadata.ProviderName, JobId = jobId, Progress = 1, Result = result };
    }

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Validates and maps the request, and starts one job (the count is within the model's per-call limit).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    protected abstract Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Starts one job, knowing whether the caller blocks on its result (<see cref="GenerateAsync"/>) or collects it later
    /// (<see cref="StartAsync"/>, by id or webhook). Override it when the provider's create differs between the two, e.g.
    /// a server-side deadline that suits only a caller who waits; the default ignores the difference.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="callerWaits">True from <see cref="GenerateAsync"/>, false from <see cref="StartAsync"/>.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    protected virtual Task<StartedJob> StartJobAsync(ImageGenerationRequest request, bool callerWaits, CancellationToken cancellationToken) =>
        StartJobAsync(request, cancellationToken);

    /// <summary>Fetches and downloads the images of a job that succeeded.</summary>
    /// <param name="job">The succeeded job.</param>
    /// <param name="cancellationToken">Cancels the downloads.</param>
    protected abstract Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken);

    private async Task<ImageGenerationResult> StartAndWaitAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        long started = TimeProvider.GetTimestamp();
        var (job, warnings) = await StartJobAsync(request, callerWaits: true, cancellationToken).ConfigureAwait(false);
        ImageJob last = job;
        try
        {
            await foreach (var polled in PollAsync(job, job.Id, cancellationToken).ConfigureAwait(false))
            {
                // Status answers may not name the model; keep the one the job was started with.
                last = polled.Model is null ? polled with { Model = job.Model } : polled;
            }

            var result = await CompleteAsync(last, started, cancellationToken).ConfigureAwait(false);
            return warnings.Count == 0 ? result : result with { Warnings = [.. warnings, .. result.Warnings] };
        }
        catch when (!last.IsTerminal || cancellationToken.IsCancellationRequested)
        {
            // Whatever ended the wait (MaxWait, a failed poll), a running job would run on and be billed with nobody to
            // collect it, and a fallback route would pay a second time: stop it at the provider. A caller who cancels
            // gets the cancel call at any stage, as before (the provider may still be finishing what we saw succeed).
            await CancelQuietlyAsync(job.Id).ConfigureAwait(false);
            throw;
        }
    }

    private async IAsyncEnumerable<ImageJob> PollAsync(ImageJob? initial, string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.GetUtcNow() + _options.MaxWait;
        var interval = _options.PollingInterval;
        var job = initial ?? await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        yield return job;
        while (!job.IsTerminal)
        {
            var left = deadline - TimeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"The {Metadata.ProviderName} job {jobId} did not finish within {_options.MaxWait.TotalSeconds:0} s (MaxWait); it was cancelled at the provider.")
                {
                    Provider = Metadata.ProviderName,
                    Model = job.Model,
                    ProviderRequestId = jobId,
                    IsTransient = true,
                };
            }

            await Task.Delay(interval < left ? interval : left, TimeProvider, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * 1.5), _options.MaxPollingInterval.Ticks));
            job = await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            yield return job;
        }
    }

    private async Task<ImageGenerationResult> CompleteAsync(ImageJob job, long started, CancellationToken cancellationToken)
    {
        switch (job.Status)
        {
            case ImageJobStatus.Succeeded:
                var result = await GetResultAsync(job, cancellationToken).ConfigureAwait(false);
                return result with { Elapsed = TimeProvider.GetElapsedTime(started), ProviderRequestId = result.ProviderRequestId ?? job.Id };
            case ImageJobStatus.Canceled:
                throw job.Error ?? new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"The {Metadata.ProviderName} job {job.Id} was cancelled at the provider (a deadline or an explicit cancel).")
                {
                    Provider = Metadata.ProviderName,
                    Model = job.Model,
                    ProviderRequestId = job.Id,
                };
            default:
                throw job.Error ?? new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The {Metadata.ProviderName} job {job.Id} failed without saying why.")
                {
                    Provider = Metadata.ProviderName,
                    Model = job.Model,
                    ProviderRequestId = job.Id,
                };
        }
    }

    private IEnumerable<ImageGenerationUpdate> Updates(ImageJob? previous, ImageJob job)
    {
        if (job.Preview is { } preview && !ReferenceEquals(preview, previous?.Preview) && !(previous?.Preview?.Data.Span.SequenceEqual(preview.Data.Span) ?? false))
        {
            yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.PartialImage, Provider = Metadata.ProviderName, JobId = job.Id, Progress = job.Progress, PartialImage = preview };
        }

        var newLogs = job.Logs.Skip(previous?.Logs.Count ?? 0).ToArray();
        bool changed = previous is null || previous.Status != job.Status || previous.QueuePosition != job.QueuePosition
            || previous.Progress != job.Progress || newLogs.Length > 0;
        if (!changed || job.IsTerminal && job.Status != ImageJobStatus.Succeeded)
        {
            yield break;
        }

        var kind = job.Status switch
        {
            ImageJobStatus.Queued => ImageGenerationUpdateKind.Queued,
            ImageJobStatus.Running when job.Progress is not null => ImageGenerationUpdateKind.Progress,
            _ => ImageGenerationUpdateKind.Running,
        };
        if (job.Status == ImageJobStatus.Succeeded && previous?.Status == ImageJobStatus.Running && newLogs.Length == 0)
        {
            yield break;
        }

        yield return new ImageGenerationUpdate
        {
            Kind = kind,
            Provider = Metadata.ProviderName,
            JobId = job.Id,
            QueuePosition = job.QueuePosition,
            Progress = job.Progress,
            Logs = newLogs,
        };
    }

    private async Task CancelQuietlyAsync(string jobId)
    {
        // Best effort, bounded: the caller is already leaving.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15), TimeProvider);
        try
        {
            await CancelJobAsync(jobId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ImageGenerationException or OperationCanceledException or HttpRequestException)
        {
            // The job may already be finished or unknown; nothing more to do.
        }
    }
}
