using UnifiedImageGen.Http;

namespace UnifiedImageGen.Fal;

/// <summary>
/// Maps fal errors (<c>{"detail": ...}</c>, PROVIDERS.md 4.5): a 422 <c>detail</c> array becomes InvalidRequest naming
/// each field (<c>body.num_images: ...</c>); an exhausted balance or locked account is InsufficientCredits.
/// </summary>
internal sealed class FalErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(FalImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override IReadOnlyList<string> RequestIdHeaders { get; } = ["x-fal-request-id", "x-request-id"];

    /// <summary>The error of a completed request that failed at the model.</summary>
    public static ImageGenerationException ModelFailure(string? error, string? errorType, string? model, string jobId, SecretRedactor? redactor = null)
    {
        string text = (errorType is null ? "" : errorType + ": ") + (error ?? "the request failed without an error message");
        bool refused = ContainsAny(text, "nsfw", "content", "safety", "policy");
        return new ImageGenerationException(refused ? ImageGenerationErrorKind.ContentPolicy : ImageGenerationErrorKind.ProviderUnavailable, $"The fal request failed: {(redactor ?? SecretRedactor.Default).Redact(text)}")
        {
            Provider = FalImageGenerator.ProviderName,
            Model = model,
            ProviderRequestId = jobId,
            ProviderErrorCode = (redactor ?? SecretRedactor.Default).Redact(errorType),
        };
    }

    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ContainsAny(error.Message ?? "", "exhausted balance", "locked", "insufficient balance")
            ? ImageGenerationErrorKind.InsufficientCredits
            : base.Classify(statusCode, error);
    }

    private static bool ContainsAny(string text, params ReadOnlySpan<string> needles)
    {
        foreach (var needle in needles)
        {
            if (text.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
