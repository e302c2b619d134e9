namespace UnifiedImageGen.Reliability.Tests.Matrix;

/// <summary>How a call through the routed pipeline ended.</summary>
// Sources of the expected outcomes: PROVIDERS.md 1.1 (spec: openai-python _base_client.py retries 408/409/429/>=500,
// honours retry-after), 13.3 (Stability 429 lock-out), 13.5 (Replicate Prefer: wait creates are not retried).
public enum CallOutcome
{
    /// <summary>The provider answered on the first try.</summary>
    Succeeded,

    /// <summary>The provider answered after the resilience handler retried.</summary>
    SucceededAfterRetry,

    /// <summary>The provider failed and the next route (the placeholder) answered.</summary>
    FellBack,

    /// <summary>The call ended with an <see cref="ImageGenerationException"/>.</summary>
    Failed,
}

/// <summary>What a matrix cell must show.</summary>
/// <param name="Outcome">How the call ends.</param>
/// <param name="Kind">The error kind (of the exception, or of the failed route before a fallback).</param>
/// <param name="Submits">Billable submits the emulator must see.</param>
/// <param name="Cancels">
/// Cancels the emulator must see, one per cancel request of the provider's protocol: Replicate
/// <c>POST /v1/predictions/{id}/cancel</c>, fal <c>PUT .../requests/{id}/cancel</c>, Firefly <c>PUT {cancelUrl}</c>
/// (PROVIDERS.md 3, 4, 8.2), ComfyUI <c>POST /queue {"delete"}</c> plus <c>POST /interrupt</c> (13.11); BFL and Leonardo
/// have none.
/// </param>
public sealed record Expectation(CallOutcome Outcome, ImageGenerationErrorKind? Kind, int Submits, int Cancels = 0)
{
    public static Expectation Ok => new(CallOutcome.Succeeded, null, 1);

    public static Expectation Retried => new(CallOutcome.SucceededAfterRetry, null, 2);

    public static Expectation FallBack(ImageGenerationErrorKind kind, int submits = 1, int cancels = 0) => new(CallOutcome.FellBack, kind, submits, cancels);

    public static Expectation Fail(ImageGenerationErrorKind kind, int submits = 1, int cancels = 0) => new(CallOutcome.Failed, kind, submits, cancels);
}
