using UnifiedImageGen.Http;

namespace UnifiedImageGen.Ideogram;

internal sealed class IdeogramErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(IdeogramImageGenerator.ProviderName, redactor, timeProvider)
{
    // 422 is Ideogram's prompt safety check ("Prompt provided failed safety check ...").
    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error) =>
        statusCode == 422 && error.Message?.Contains("safety", StringComparison.OrdinalIgnoreCase) == true
            ? ImageGenerationErrorKind.ContentPolicy
            : base.Classify(statusCode, error);
}
