using System.Globalization;
using System.Text.RegularExpressions;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Replicate;

/// <summary>
/// Maps Replicate's RFC 7807 problem details (<c>{"title","detail","status"}</c>, PROVIDERS.md 3.5): 402 to
/// InsufficientCredits, 422 to InvalidRequest, 429 with its "resets in ~30s" detail to RateLimited with that wait.
/// </summary>
internal sealed partial class ReplicateErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(ReplicateImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override IReadOnlyList<string> RequestIdHeaders { get; } = ["x-request-id", "cf-ray"];

    /// <summary>The error a failed prediction carries: NSFW and safety rejections are ContentPolicy.</summary>
    public static ImageGenerationException ModelFailure(string? error, string? model, string? predictionId, SecretRedactor redactor)
    {
        string text = string.IsNullOrWhiteSpace(error) ? "the model failed without an error message" : error.Trim();
        bool refused = text.Contains("nsfw", StringComparison.OrdinalIgnoreCase) || text.Contains("safety", StringComparison.OrdinalIgnoreCase) || text.Contains("sensitive", StringComparison.OrdinalIgnoreCase);
        var kind = refused ? ImageGenerationErrorKind.ContentPolicy : ImageGenerationErrorKind.ProviderUnavailable;
        string shortened = text.Length > 500 ? text[..500] + "…" : text;
        return new ImageGenerationException(kind, $"The Replicate prediction {predictionId} failed: {redactor.Redact(shortened)}" + (refused ? " Change the prompt or input image." : ""))
        {
            Provider = ReplicateImageGenerator.ProviderName,
            Model = model,
            ProviderRequestId = predictionId,
            ProviderErrorCode = refused ? "nsfw" : "prediction_failed",
        };
    }

    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = base.ParseError(statusCode, body);
        if (error is not null && body.Length > 0 && body[0] == (byte)'{')
        {
            using var document = System.Text.Json.JsonDocument.Parse(body.ToArray());
            if (document.RootElement.TryGetProperty("title", out var title) && title.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                error = error with { Code = title.GetString() };
            }
        }

        if (error?.Message is { } message && ResetPattern().Match(message) is { Success: true } match
            && int.TryParse(match.Groups["seconds"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
        {
            error = error with { RetryAfter = TimeSpan.FromSeconds(seconds) };
        }

        return error;
    }

    [GeneratedRegex(@"resets in ~?(?<seconds>\d+)\s*s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResetPattern();
}
