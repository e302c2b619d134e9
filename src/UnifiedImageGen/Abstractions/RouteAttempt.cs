namespace UnifiedImageGen;

/// <summary>How one attempt of a routed call ended.</summary>
public enum RouteAttemptOutcome
{
    /// <summary>The route produced the images.</summary>
    Succeeded,

    /// <summary>The route failed; see <see cref="RouteAttempt.ErrorKind"/>.</summary>
    Failed,

    /// <summary>The route was not tried (missing capability, open circuit, ...).</summary>
    Skipped,
}

/// <summary>One route a router tried or skipped, in order.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="Model">The model id.</param>
/// <param name="Outcome">How it ended.</param>
public sealed record RouteAttempt(string Provider, string Model, RouteAttemptOutcome Outcome)
{
    /// <summary>The kind of error, when the attempt failed.</summary>
    public ImageGenerationErrorKind? ErrorKind { get; init; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? Reason { get; init; }

    /// <summary>How long the attempt took.</summary>
    public TimeSpan Elapsed { get; init; }
}
