using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using UnifiedImageGen.Placeholder;

namespace UnifiedImageGen.Cli.Tests;

/// <summary>A queued-job provider without a network: jobs move through scripted updates, cancels are recorded.</summary>
public sealed class FakeJobGenerator : IImageJobGenerator
{
    public const string Name = "fakejobs";
    private readonly PlaceholderImageGenerator _renderer = new();

    public ImageGeneratorMetadata Metadata { get; } = new(Name, null, "fake-model", [new ImageModelDescriptor("fake-model", ImageCapabilities.TextToImage | ImageCapabilities.Progress | ImageCapabilities.ServerCancellation) { MaxImagesPerCall = 4 }]);

    /// <summary>What <see cref="GetJobAsync"/> answers.</summary>
    public ImageJob Job { get; set; } = new() { Provider = Name, Id = "job-1", Status = ImageJobStatus.Running, Progress = 0.4, Model = "fake-model", Logs = ["step 4/10"] };

    /// <summary>Whether <see cref="WatchAsync"/> hangs after the queued update until cancelled.</summary>
    public bool Stall { get; set; }

    public ConcurrentQueue<string> Cancelled { get; } = new();

    public ConcurrentQueue<ImageGenerationRequest> Started { get; } = new();

    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The CLI should start and watch jobs, not call GenerateAsync.");

    public Task<ImageJob> StartAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        Started.Enqueue(request);
        return Task.FromResult(new ImageJob { Provider = Name, Id = "job-1", Status = ImageJobStatus.Queued, QueuePosition = 3 });
    }

    public Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        jobId == Job.Id ? Task.FromResult(Job) : throw new ImageGenerationException(ImageGenerationErrorKind.ModelNotFound, $"No job {jobId}.") { Provider = Name };

    public Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Cancelled.Enqueue(jobId);
        return Task.FromResult(Job with { Id = jobId, Status = ImageJobStatus.Canceled, Progress = null });
    }

    public Task<ImageGenerationResult> WaitForCompletionAsync(string jobId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public async IAsyncEnumerable<ImageGenerationUpdate> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Queued, Provider = Name, JobId = jobId, QueuePosition = 2 };
        if (Stall)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Progress, Provider = Name, JobId = jobId, Progress = 0.5 };
        var rendered = await _renderer.GenerateAsync(new ImageGenerationRequest("job output") { Size = new ImageSize(40, 30) }, cancellationToken);
        yield return new ImageGenerationUpdate
        {
            Kind = ImageGenerationUpdateKind.Completed,
            Provider = Name,
            JobId = jobId,
            Progress = 1,
            Result = rendered with { Provider = Name, Model = "fake-model", Cost = new ImageCost { EstimatedUsd = 0.01m, ReportedUsd = 0.01m, Basis = "fake" } },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
}
