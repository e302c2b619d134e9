using UnifiedImageGen.Http;

namespace UnifiedImageGen.Leonardo;

/// <summary>
/// Leonardo's errors are <c>{"error", "path", "code"}</c>. A prompt its moderation blocks is a 400 whose code is the
/// generic <c>"unexpected"</c>; only the message (<c>"content moderation filter: ..."</c>) says so, so it is read here.
/// </summary>
internal sealed class LeonardoErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(LeonardoImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error) =>
        statusCode == 400 && error.Message?.StartsWith("content moderation filter", StringComparison.OrdinalIgnoreCase) == true
            ? ImageGenerationErrorKind.ContentPolicy
            : base.Classify(statusCode, error);
}
