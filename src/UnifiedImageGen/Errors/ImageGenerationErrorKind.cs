namespace UnifiedImageGen;

/// <summary>Why an image request failed, in terms a caller can act on.</summary>
public enum ImageGenerationErrorKind
{
    /// <summary>The request is invalid for this provider or model; fix the request. Never retried or rerouted.</summary>
    InvalidRequest,

    /// <summary>The API key is missing, wrong or revoked.</summary>
    Authentication,

    /// <summary>The key is valid but may not use this model or feature (organisation verification, region, tier).</summary>
    PermissionDenied,

    /// <summary>The provider's safety system refused the prompt or the output.</summary>
    ContentPolicy,

    /// <summary>Too many requests; wait <see cref="ImageGenerationException.RetryAfter"/> or use another route.</summary>
    RateLimited,

    /// <summary>The account is out of credits or over its quota; retrying will not help until it is topped up.</summary>
    InsufficientCredits,

    /// <summary>The model (or deployment, or job) does not exist for this account.</summary>
    ModelNotFound,

    /// <summary>The provider is down or overloaded (5xx, connection failures, open circuit).</summary>
    ProviderUnavailable,

    /// <summary>The provider did not finish in time.</summary>
    Timeout,

    /// <summary>The provider answered with something this SDK could not understand.</summary>
    UnexpectedResponse,

    /// <summary>The call would exceed a configured budget; refused before any network call.</summary>
    BudgetExceeded,
}
