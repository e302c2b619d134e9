namespace UnifiedImageGen;

/// <summary>
/// A provider that queues work (Replicate, fal, BFL, Leonardo, Firefly, ComfyUI, Stability's async endpoints).
/// <see cref="IImageGenerator.GenerateAsync"/> starts, waits and returns; these members let a caller start a job,
/// persist its id, and resume it later or elsewhere.
/// </summary>
public interface IImageJobGenerator : IImageGenerator
{
    /// <summary>Starts a job and returns at once.</summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Cancels starting (not the job).</param>
    /// <exception cref="ImageGenerationException">The provider refused the request.</exception>
    Task<ImageJob> StartAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Returns where a job stands now.</summary>
    /// <param name="jobId">The id from <see cref="StartAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ImageGenerationException">The provider does not know the job, or failed.</exception>
    Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Asks the provider to cancel a job (a running job may not stop at every provider) and returns its state.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ImageGenerationException">The provider refused or failed.</exception>
    Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Polls until the job finishes and returns its images (downloaded at once).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Stops waiting; the job keeps running (call <see cref="CancelJobAsync"/> to stop it).</param>
    /// <exception cref="ImageGenerationException">The job failed, was cancelled, or did not finish within the provider's <c>MaxWait</c>.</exception>
    Task<ImageGenerationResult> WaitForCompletionAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Yields the job's progress (queued with position, running, progress, previews) and finally its result.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Stops watching; the job keeps running.</param>
    /// <exception cref="ImageGenerationException">The job failed, was cancelled, or did not finish in time.</exception>
    IAsyncEnumerable<ImageGenerationUpdate> WatchAsync(string jobId, CancellationToken cancellationToken = default);
}
