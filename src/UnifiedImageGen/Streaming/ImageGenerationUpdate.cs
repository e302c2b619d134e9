namespace UnifiedImageGen;

/// <summary>What an <see cref="ImageGenerationUpdate"/> reports.</summary>
public enum ImageGenerationUpdateKind
{
    /// <summary>The work is waiting in the provider's queue.</summary>
    Queued,

    /// <summary>The work has started.</summary>
    Running,

    /// <summary>The work advanced; see <see cref="ImageGenerationUpdate.Progress"/>.</summary>
    Progress,

    /// <summary>A preview of an image arrived; see <see cref="ImageGenerationUpdate.PartialImage"/>.</summary>
    PartialImage,

    /// <summary>The work finished; <see cref="ImageGenerationUpdate.Result"/> holds the final images.</summary>
    Completed,
}

/// <summary>One step of a streamed or watched generation: queue position, progress, a preview, or the final result.</summary>
public sealed record ImageGenerationUpdate
{
    /// <summary>What this update reports.</summary>
    public required ImageGenerationUpdateKind Kind { get; init; }

    /// <summary>The provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's job id, for providers that queue work.</summary>
    public string? JobId { get; init; }

    /// <summary>Progress from 0 to 1, when the provider reports it.</summary>
    public double? Progress { get; init; }

    /// <summary>The position in the provider's queue, when reported.</summary>
    public int? QueuePosition { get; init; }

    /// <summary>A preview image (for <see cref="ImageGenerationUpdateKind.PartialImage"/>).</summary>
    public GeneratedImage? PartialImage { get; init; }

    /// <summary>The 0-based index of the preview, when the provider numbers them.</summary>
    public int? PartialImageIndex { get; init; }

    /// <summary>The final result (for <see cref="ImageGenerationUpdateKind.Completed"/>).</summary>
    public ImageGenerationResult? Result { get; init; }

    /// <summary>New log lines from the provider, if any.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];
}

/// <summary>A generator that can report previews and progress while it works.</summary>
public interface IStreamingImageGenerator
{
    /// <summary>Runs the request and yields updates, ending with one of kind <see cref="ImageGenerationUpdateKind.Completed"/>.</summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Stops the stream (and the work, where the provider allows).</param>
    /// <exception cref="ImageGenerationException">The provider refused or failed the request.</exception>
    IAsyncEnumerable<ImageGenerationUpdate> GenerateStreamingAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);
}
