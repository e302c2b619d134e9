using System.Text.Json;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.OpenAI;

/// <summary>
/// Maps OpenAI error bodies (<c>{"error":{"message","type","param","code"}}</c>, PROVIDERS.md 1.8) to error kinds:
/// <c>content_policy_violation</c> and <c>moderation_blocked</c> to ContentPolicy (with the moderation details kept in
/// the message), <c>insufficient_quota</c> and <c>billing_hard_limit_reached</c> to InsufficientCredits,
/// <c>rate_limit_exceeded</c> to RateLimited, 403 to PermissionDenied, 404 and <c>model_not_found</c> to ModelNotFound.
/// </summary>
internal sealed class OpenAIErrorMapper(string providerName, SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(providerName, redactor, timeProvider)
{
    /// <summary>Whether a 429 means the account is out of quota (never worth retrying) rather than rate limited.</summary>
    public static async ValueTask<bool> IsQuotaExhaustedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Contains("insufficient_quota", StringComparison.Ordinal) || body.Contains("billing_hard_limit_reached", StringComparison.Ordinal);
    }

    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(body.ToArray());
        if (document.RootElement.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object
            && inner.TryGetProperty("moderation_details", out var details) && details.ValueKind != JsonValueKind.Null)
        {
            var compact = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(compact))
            {
                details.WriteTo(writer);
            }

            error = error with { Message = $"{error.Message} (moderation details: {System.Text.Encoding.UTF8.GetString(compact.WrittenSpan)})" };
        }

        return error;
    }
}
