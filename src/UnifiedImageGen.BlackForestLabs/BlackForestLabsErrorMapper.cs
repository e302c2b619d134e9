using UnifiedImageGen.Http;

namespace UnifiedImageGen.BlackForestLabs;

/// <summary>BFL errors (PROVIDERS.md 5.6): 422 FastAPI validation errors name the field; 402 InsufficientCredits; 429 too many active tasks; 403 a bad key.</summary>
internal sealed class BlackForestLabsErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(BlackForestLabsImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error) =>
        statusCode == 403 ? ImageGenerationErrorKind.Authentication : base.Classify(statusCode, error);
}
