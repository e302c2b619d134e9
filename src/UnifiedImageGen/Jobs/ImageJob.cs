using System.Text.Json.Serialization;

namespace UnifiedImageGen;

/// <summary>Where a queued job stands.</summary>
public enum ImageJobStatus
{
    /// <summary>Waiting in the provider's queue.</summary>
    Queued,

    /// <summary>Being worked on.</summary>
    Running,

    /// <summary>Finished with images.</summary>
    Succeeded,

    /// <summary>Finished without images; see <see cref="ImageJob.Error"/>.</summary>
    Failed,

    /// <summary>Cancelled (by the caller, or by a server-side deadline).</summary>
    Canceled,
}

/// <summary>
/// A provider job. <see cref="Id"/> is a plain string: persist it, and resume in another process with
/// <see cref="IImageJobGenerator.WaitForCompletionAsync"/> or <see cref="IImageJobGenerator.WatchAsync"/>.
/// </summary>
public sealed record ImageJob
{
    /// <summary>The provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>The job id, enough to resume the job through the same provider.</summary>
    public required string Id { get; init; }

    /// <summary>Where the job stands.</summary>
    public required ImageJobStatus Status { get; init; }

    /// <summary>The model, when the provider says.</summary>
    public string? Model { get; init; }

    /// <summary>The position in the queue, when reported.</summary>
    public int? QueuePosition { get; init; }

    /// <summary>Progress from 0 to 1, when reported or read from the logs.</summary>
    public double? Progress { get; init; }

    /// <summary>The provider's log lines so far.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>Why the job failed, for <see cref="ImageJobStatus.Failed"/> and <see cref="ImageJobStatus.Canceled"/>.</summary>
    public ImageGenerationException? Error { get; init; }

    /// <summary>A preview of the image while it renders, when the provider sends one.</summary>
    public GeneratedImage? Preview { get; init; }

    /// <summary>Result URLs the provider reported (download them at once: they expire), when the job succeeded.</summary>
    public IReadOnlyList<Uri> OutputUris { get; init; } = [];

    /// <summary>When the job was created, if known.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the job finished, if known.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Whether the job has finished, one way or another.</summary>
    public bool IsTerminal => Status is ImageJobStatus.Succeeded or ImageJobStatus.Failed or ImageJobStatus.Canceled;

    /// <summary>The provider's raw job object. Not serialized.</summary>
    [JsonIgnore]
    public object? RawRepresentation { get; init; }
}
