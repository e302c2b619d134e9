namespace UnifiedImageGen.Http;

/// <summary>What a provider's error body says, parsed by a <see cref="ProviderErrorMapper"/>.</summary>
public sealed record ProviderError
{
    /// <summary>The provider's human-readable message.</summary>
    public string? Message { get; init; }

    /// <summary>The provider's error code, such as <c>"content_policy_violation"</c>.</summary>
    public string? Code { get; init; }

    /// <summary>The provider's error type or category, such as <c>"invalid_request_error"</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The kind, when the body alone decides it (overrides the status code).</summary>
    public ImageGenerationErrorKind? Kind { get; init; }

    /// <summary>The provider's request id, when the body carries it (used when no header does).</summary>
    public string? RequestId { get; init; }

    /// <summary>A wait the body asks for (some providers put it in the text, not in headers); a <c>Retry-After</c> header wins.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
