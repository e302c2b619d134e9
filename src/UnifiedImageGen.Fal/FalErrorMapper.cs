using System.Text;
using System.Text.Json;
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
    public static ImageGenerationException ModelFailure(string? error, string? errorType, string? model, string jobId)
    {
        string text = (errorType is null ? "" : errorType + ": ") + (error ?? "the request failed without an error message");
        bool refused = ContainsAny(text, "nsfw", "content", "safety", "policy");
        return new ImageGenerationException(refused ? ImageGenerationErrorKind.ContentPolicy : ImageGenerationErrorKind.ProviderUnavailable, $"The fal request failed: {SecretRedactor.Default.Redact(text)}")
        {
            Provider = FalImageGenerator.ProviderName,
            Model = model,
            ProviderRequestId = jobId,
            ProviderErrorCode = errorType,
        };
    }

    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is null || body.IsEmpty || body[0] != (byte)'{')
        {
            return error;
        }

        using var document = JsonDocument.Parse(body.ToArray());
        if (document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Array)
        {
            var fields = new StringBuilder();
            foreach (var item in detail.EnumerateArray().Take(5))
            {
                string location = item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array
                    ? string.Join(".", loc.EnumerateArray().Select(l => l.ToString()))
                    : "input";
                string message = item.TryGetProperty("msg", out var msg) ? msg.GetString() ?? "" : item.ToString();
                fields.Append(fields.Length == 0 ? "" : "; ").Append(location).Append(": ").Append(message);
            }

            error = error with { Message = fields.ToString(), Code = detail.EnumerateArray().FirstOrDefault().TryGetProperty("type", out var type) ? type.GetString() : error.Code };
        }

        return error;
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
