using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Google;

/// <summary>
/// The Google API error envelope <c>{"error":{"code","message","status","details"}}</c>: the <c>status</c> (such as
/// <c>RESOURCE_EXHAUSTED</c>) is the provider code, a <c>RetryInfo</c> detail's <c>retryDelay</c> the wait, an invalid
/// API key Authentication.
/// </summary>
internal sealed class GoogleErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(GoogleImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is null || body.IsEmpty || body[0] != (byte)'{')
        {
            return error;
        }

        using var document = JsonDocument.Parse(body.ToArray());
        if (!document.RootElement.TryGetProperty("error", out var envelope) || envelope.ValueKind != JsonValueKind.Object)
        {
            return error;
        }

        if (envelope.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String)
        {
            error = error with { Code = status.GetString() };
        }

        if (envelope.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                if (detail.TryGetProperty("@type", out var type) && type.GetString()?.EndsWith("RetryInfo", StringComparison.Ordinal) == true
                    && detail.TryGetProperty("retryDelay", out var delay) && delay.GetString() is { } text
                    && double.TryParse(text.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                {
                    error = error with { RetryAfter = TimeSpan.FromSeconds(seconds) };
                }
            }
        }

        return error;
    }

    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Message?.Contains("API key not valid", StringComparison.OrdinalIgnoreCase) == true || error.Code == "UNAUTHENTICATED"
            ? ImageGenerationErrorKind.Authentication
            : base.Classify(statusCode, error);
    }
}

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class GoogleJsonContext : JsonSerializerContext;
