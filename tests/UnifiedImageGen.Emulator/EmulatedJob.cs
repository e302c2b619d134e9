namespace UnifiedImageGen.Emulator;

/// <summary>Where an emulated job stands.</summary>
public enum EmulatedJobState
{
    /// <summary>Accepted, not finished.</summary>
    Pending,

    /// <summary>Finished with images.</summary>
    Succeeded,

    /// <summary>Refused or failed.</summary>
    Failed,

    /// <summary>Cancelled by the client.</summary>
    Canceled,
}

/// <summary>
/// A queued generation (Replicate prediction, fal request, BFL task): it runs for <see cref="PollsUntilDone"/> status
/// reads, then succeeds with images hosted by the emulator, or fails as a content-policy refusal, or never finishes.
/// </summary>
public sealed class EmulatedJob
{
    private readonly object _gate = new();

    internal EmulatedJob(string id, string model, int count)
    {
        Id = id;
        Model = model;
        Count = count;
    }

    /// <summary>The job id.</summary>
    public string Id { get; }

    /// <summary>The model asked for.</summary>
    public string Model { get; }

    /// <summary>Images asked for.</summary>
    public int Count { get; }

    /// <summary>Status reads before the job is done.</summary>
    public int PollsUntilDone { get; init; } = 2;

    /// <summary>Whether the job stays pending for ever.</summary>
    public bool NeverFinishes { get; init; }

    /// <summary>The provider's refusal text, when the job is to fail on content policy.</summary>
    public string? Refusal { get; init; }

    /// <summary>Status reads so far.</summary>
    public int Polls { get; private set; }

    /// <summary>Where the job stands.</summary>
    public EmulatedJobState State { get; private set; }

    /// <summary>The URLs of the finished job's images.</summary>
    public IReadOnlyList<string> ImageUrls { get; private set; } = [];

    /// <summary>Moves the job on by one status read; <paramref name="finish"/> renders and hosts its images when it succeeds.</summary>
    /// <param name="finish">Creates the images' URLs.</param>
    public EmulatedJobState Advance(Func<EmulatedJob, IReadOnlyList<string>> finish)
    {
        lock (_gate)
        {
            Polls++;
            if (State == EmulatedJobState.Pending && !NeverFinishes && Polls >= PollsUntilDone)
            {
                if (Refusal is not null)
                {
                    State = EmulatedJobState.Failed;
                }
                else
                {
                    ImageUrls = finish(this);
                    State = EmulatedJobState.Succeeded;
                }
            }

            return State;
        }
    }

    /// <summary>Cancels the job if it has not finished.</summary>
    public EmulatedJobState Cancel()
    {
        lock (_gate)
        {
            if (State == EmulatedJobState.Pending)
            {
                State = EmulatedJobState.Canceled;
            }

            return State;
        }
    }
}
