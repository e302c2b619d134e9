using System.Net.Http.Headers;
using System.Text.Json;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>
/// Firefly's error body <c>{"error_code","message","validation_errors":[{loc,msg}]}</c> and its <c>x-access-error</c>
/// header on 403 (image_generation_async_v3.json, upload_image.json).
/// </summary>
internal sealed class AdobeFireflyErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(AdobeFireflyImageGenerator.ProviderName, redactor, timeProvider)
{
    // @adobe/firefly-apis ErrorCode and the 451 ContentPolicyErrorCode enum: refusals of the prompt or of an image.
    private static readonly HashSet<string> RefusalCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "prompt_unsafe", "input_media_unsafe", "output_media_unsafe", "prompt_entity_denied", "image_unsafe", "reference_image_unsafe_error", "legal_error",
    };

    /// <summary>Whether a Firefly error code (of a response or of a failed job) is a content refusal.</summary>
    internal static bool IsRefusal(string? code) => code is not null && RefusalCodes.Contains(code);

    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body, HttpResponseHeaders? headers)
    {
        var error = ParseError(statusCode, body) ?? new ProviderError();
        string? access = headers is not null && headers.TryGetValues("x-access-error", out var values) ? values.FirstOrDefault() : null;
        if (statusCode == 403 && access is { Length: > 0 })
        {
            var kind = access.ToLowerInvariant() switch
            {
                "quota_exhausted" => ImageGenerationErrorKind.InsufficientCredits,
                "invalid_ims_scope" => ImageGenerationErrorKind.Authentication,
                _ => ImageGenerationErrorKind.PermissionDenied, // user_non_entitled, user_profile_denied
            };
            string hint = kind switch
            {
                ImageGenerationErrorKind.InsufficientCredits => "the organisation's generative credits are used up",
                ImageGenerationErrorKind.Authentication => "the IMS token lacks a Firefly scope (check the Scopes option and the project's APIs)",
                _ => "the credential's organisation or user is not entitled to Firefly",
            };
            return error with { Kind = kind, Type = error.Code, Code = access, Message = error.Message is null ? hint : error.Message + " (" + hint + ")" };
        }

        // HTTP 451 (upload_image.json; 451 ContentPolicyErrorCode) and the unsafe codes are refusals: never retried, no
        // fallback unless FallbackOptions.FallbackOnContentPolicy.
        return statusCode == 451 || IsRefusal(error.Code) ? error with { Kind = ImageGenerationErrorKind.ContentPolicy } : error;
    }

    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is null || body.IsEmpty || body[0] != (byte)'{')
        {
            return error;
        }

        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("error_code", out var code) && code.ValueKind == JsonValueKind.String)
        {
            error = error with { Code = code.GetString() };
        }

        // 422 validation_errors: name each field and what is wrong (loc and msg only: ctx and input can echo the prompt).
        if (root.TryGetProperty("validation_errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            string details = string.Join("; ", errors.EnumerateArray().Take(5).Select(Detail));
            error = error with { Message = error.Message is { Length: > 0 } message ? message + ": " + details : details };
        }

        return error;
    }

    private static string Detail(JsonElement item)
    {
        string loc = item.TryGetProperty("loc", out var path) && path.ValueKind == JsonValueKind.Array
            ? string.Join(".", path.EnumerateArray().Select(p => p.ToString()))
            : "?";
        string msg = item.TryGetProperty("msg", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "invalid";
        return loc + ": " + (msg.Length > 200 ? msg[..200] + "…" : msg);
    }
}
