using System.Text.Json;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.StabilityAI;

/// <summary>
/// Maps Stability's v2beta error body <c>{"id","name","errors":[...]}</c> (PROVIDERS.md 2.7): 403
/// <c>content_moderation</c> and 422 <c>public_figure</c> are ContentPolicy, other 422s (<c>invalid_language</c>)
/// InvalidRequest, 413 names the 10 MiB limit, 429 asks for the 60-second lock-out when no <c>Retry-After</c> is sent,
/// 402 or a credits/balance error is InsufficientCredits; the body's <c>id</c> becomes the request id.
/// </summary>
internal sealed class StabilityAIErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(StabilityAIImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body) ?? new ProviderError();
        if (!body.IsEmpty && body[0] == (byte)'{')
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                error = error with { RequestId = id.GetString() };
            }
        }

        return statusCode switch
        {
            413 => error with { Message = (error.Message ?? "The request is too large") + $" (Stability accepts at most {StabilityAIModels.MaxRequestBytes:N0} bytes, 10 MiB)" },
            429 => error with { RetryAfter = TimeSpan.FromSeconds(60) }, // a 429 locks the key out for 60 s
            _ => error,
        };
    }

    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code is "public_figure" ? ImageGenerationErrorKind.ContentPolicy : base.Classify(statusCode, error);
    }
}
