using System.Globalization;

namespace UnifiedImageGen.Cli.Progress;

/// <summary>Where a job stands, as the progress display shows it.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="JobId">The job id, once the provider gave one.</param>
/// <param name="Status">Queued, running, or finished.</param>
/// <param name="QueuePosition">The position in the provider's queue, when reported.</param>
/// <param name="Fraction">Progress from 0 to 1, when reported.</param>
internal sealed record JobProgress(string Provider, string? JobId, ImageJobStatus Status, int? QueuePosition = null, double? Fraction = null)
{
    /// <summary>The progress a job's state shows.</summary>
    public static JobProgress From(ImageJob job) => new(job.Provider, job.Id, job.Status, job.QueuePosition, job.Progress);

    /// <summary>The progress an update of a watched job shows.</summary>
    public static JobProgress From(ImageGenerationUpdate update) => new(
        update.Provider,
        update.JobId,
        update.Kind switch
        {
            ImageGenerationUpdateKind.Queued => ImageJobStatus.Queued,
            ImageGenerationUpdateKind.Completed => ImageJobStatus.Succeeded,
            _ => ImageJobStatus.Running,
        },
        update.QueuePosition,
        update.Progress);

    /// <summary>"fal job 1a2b: queued (position 3)", "running 40%".</summary>
    public string Describe()
    {
        string subject = JobId is null ? Provider : $"{Provider} job {JobId}";
        string state = Status switch
        {
            ImageJobStatus.Queued => QueuePosition is { } position ? $"queued (position {position})" : "queued",
            ImageJobStatus.Running => Fraction is { } fraction ? $"running {Percent(fraction)}" : "running",
            _ => Status.ToString().ToLowerInvariant(),
        };
        return $"{subject}: {state}";
    }

    /// <summary>"40%", the same in every culture.</summary>
    public static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{Math.Clamp(fraction, 0, 1) * 100:0}%");
}

/// <summary>Receives job progress while a command waits.</summary>
internal interface IJobProgressSink
{
    /// <summary>Shows where the job stands now.</summary>
    void Report(JobProgress progress);
}
