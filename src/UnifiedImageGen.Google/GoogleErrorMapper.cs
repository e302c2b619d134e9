using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Net;
using UnifiedImageGen.Http;
using UnifiedImageGen.Resilience;

namespace UnifiedImageGen.Google;

/// <summary>
/// The Google API error envelope <c>{"error":{"code","message","status","details"}}</c>: the <c>status</c> (such as
/// <c>RESOURCE_EXHAUSTED</c>) is the provider code, a <c>RetryInfo</c> detail's <c>retryDelay</c> the wait, an invalid
/// API key Authentication, and a 429 that says the quota or prepaid credit is spent InsufficientCredits (not retried).
/// </summary>
internal sealed class GoogleErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(GoogleImageGenerator.ProviderName, redactor, timeProvider)
{
    /// <summary>
    /// Teaches the retry policy Google's 429s, on the DI and the <c>new</c> path alike: the wait comes from
    /// <c>RetryInfo.retryDelay</c> in the body (Google sends no Retry-After), and a spent quota is not retried.
    /// </summary>
    public static void ConfigureResilience(ImageGenerationResilienceOptions options)
    {
        options.IsPermanentFailure ??= static async (response, ct) =>
            response.StatusCode == HttpStatusCode.TooManyRequests && Read(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false)).QuotaExhausted;
        options.RetryDelayFromBody ??= static async (response, ct) =>
            Read(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false)).RetryDelay;
    }

    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is null)
        {
            return null;
        }

        var envelope = Read(body);
        return error with
        {
            Code = envelope.Status ?? error.Code,
            RetryAfter = envelope.RetryDelay ?? error.RetryAfter,
            Kind = statusCode == 429 && envelope.QuotaExhausted ? ImageGenerationErrorKind.InsufficientCredits : error.Kind,
        };
    }

    protected override ImageGenerationErrorKind Classify(int statusCode, ProviderError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Message?.Contains("API key not valid", StringComparison.OrdinalIgnoreCase) == true || error.Code == "UNAUTHENTICATED"
            ? ImageGenerationErrorKind.Authentication
            : base.Classify(statusCode, error);
    }

    /// <summary>Reads the envelope's status, its RetryInfo wait and whether it says the quota or credit is spent.</summary>
    internal static GoogleErrorEnvelope Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body[0] != (byte)'{')
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (!document.RootElement.TryGetProperty("error", out var envelope) || envelope.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            string? status = envelope.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            string message = envelope.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            TimeSpan? delay = null;
            bool exhausted = SpentMessages.Any(text => message.Contains(text, StringComparison.OrdinalIgnoreCase));
            if (envelope.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    string type = detail.TryGetProperty("@type", out var t) ? t.GetString() ?? "" : "";
                    if (type.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal) && detail.TryGetProperty("retryDelay", out var wait))
                    {
                        delay = ParseDuration(wait.GetString());
                    }
                    else if (type.EndsWith("google.rpc.QuotaFailure", StringComparison.Ordinal) && detail.TryGetProperty("violations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                    {
                        exhausted |= violations.EnumerateArray().Any(IsSpent);
                    }
                }
            }

            return new GoogleErrorEnvelope(status, delay, exhausted);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    // Billing messages of a spent account: "Your prepayment credits are depleted. Please go to AI Studio ... to manage
    // your project and billing." (a 429 RESOURCE_EXHAUSTED); "limit: 0" is a plan with no allowance for the model.
    private static readonly string[] SpentMessages = ["prepayment credits are depleted", "limit: 0,"];

    // A per-day quota (quotaId "GenerateRequestsPerDayPerProjectPerModel-FreeTier") is spent until tomorrow and a
    // quotaValue of "0" never refills; a per-minute one clears in seconds and is retried after RetryInfo's wait.
    private static bool IsSpent(JsonElement violation) =>
        violation.ValueKind == JsonValueKind.Object
        && (Text(violation, "quotaId").Contains("PerDay", StringComparison.OrdinalIgnoreCase)
            || Text(violation, "quotaMetric").Contains("PerDay", StringComparison.OrdinalIgnoreCase)
            || Text(violation, "quotaValue") == "0");

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    // google.protobuf.Duration in JSON: seconds with up to nine decimals and an "s", such as "17s" or "25.304161866s".
    private static TimeSpan? ParseDuration(string? text) =>
        text is { Length: > 1 } && text[^1] == 's' && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}

/// <summary>What a Google error body says about retrying.</summary>
/// <param name="Status">The <c>status</c>, such as <c>RESOURCE_EXHAUSTED</c>.</param>
/// <param name="RetryDelay">The <c>RetryInfo.retryDelay</c>, if any.</param>
/// <param name="QuotaExhausted">Whether a daily or zero quota, or spent prepaid credit, is the cause.</param>
internal readonly record struct GoogleErrorEnvelope(string? Status, TimeSpan? RetryDelay, bool QuotaExhausted);

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class GoogleJsonContext : JsonSerializerContext;
