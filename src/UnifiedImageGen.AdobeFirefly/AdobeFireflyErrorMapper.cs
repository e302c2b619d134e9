using System.Text.Json;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>Firefly's error body <c>{"error_code","message"}</c>; content-policy codes become ContentPolicy.</summary>
internal sealed class AdobeFireflyErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(AdobeFireflyImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is not null && !body.IsEmpty && body[0] == (byte)'{')
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.TryGetProperty("error_code", out var code) && code.ValueKind == JsonValueKind.String)
            {
                error = error with { Code = code.GetString() };
            }
        }

        return error;
    }
}
