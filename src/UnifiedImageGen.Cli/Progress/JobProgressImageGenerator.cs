namespace UnifiedImageGen.Cli.Progress;

/// <summary>
/// The innermost layer of the CLI's pipeline: for a provider that queues work, it starts the job and watches it, so
/// the display can show queue position and percent; if the user gives up (Ctrl+C) it cancels the job at the provider
/// so nobody pays for an image no one will collect. Other providers, and counts that need several jobs, go through
/// the provider's own <see cref="IImageGenerator.GenerateAsync"/>.
/// </summary>
internal sealed class JobProgressImageGenerator(IImageGenerator innerGenerator, IJobProgressSink sink) : DelegatingImageGenerator(innerGenerator)
{
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var jobs = InnerGenerator as IImageJobGenerator ?? InnerGenerator.GetService<IImageJobGenerator>();
        if (jobs is null || request.Count > Metadata.GetModel(request.Model).MaxImagesPerCall)
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var job = await jobs.StartAsync(request, cancellationToken).ConfigureAwait(false);
        sink.Report(JobProgress.From(job));
        try
        {
            await foreach (var update in jobs.WatchAsync(job.Id, cancellationToken).ConfigureAwait(false))
            {
                sink.Report(JobProgress.From(update));
                if (update is { Kind: ImageGenerationUpdateKind.Completed, Result: { } result })
                {
                    return result;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelQuietlyAsync(jobs, job.Id).ConfigureAwait(false);
            throw;
        }

        throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Job {job.Id} stopped reporting before it finished.") { Provider = job.Provider };
    }

    private static async Task CancelQuietlyAsync(IImageJobGenerator jobs, string jobId)
    {
        using var timeout = new CancellationTokenSource(CancelTimeout);
        try
        {
            await jobs.CancelJobAsync(jobId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ImageGenerationException or HttpRequestException or OperationCanceledException)
        {
            // Best effort: the user already asked to stop, and the original cancellation is what they see.
        }
    }
}
