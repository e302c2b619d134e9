using System.Globalization;
using System.Net;

namespace UnifiedImageGen;

/// <summary>
/// The one exception providers and routers throw for a failed image request. <see cref="Kind"/> says what to do
/// about it; the rest carries the provider's details, with secrets removed.
/// </summary>
public class ImageGenerationException : Exception
{
    /// <summary>Creates an exception of kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>.</summary>
    public ImageGenerationException()
        : this(ImageGenerationErrorKind.UnexpectedResponse, "The image request failed.")
    {
    }

    /// <summary>Creates an exception of kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>.</summary>
    /// <param name="message">What happened and what to do.</param>
    public ImageGenerationException(string message)
        : this(ImageGenerationErrorKind.UnexpectedResponse, message)
    {
    }

    /// <summary>Creates an exception of kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public ImageGenerationException(string message, Exception? innerException)
        : this(ImageGenerationErrorKind.UnexpectedResponse, message, innerException)
    {
    }

    /// <summary>Creates an exception.</summary>
    /// <param name="kind">Why the request failed.</param>
    /// <param name="message">What happened and what to do. Must not hold secrets, image bytes or the full prompt.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ImageGenerationException(ImageGenerationErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        IsTransient = IsTransientKind(kind);
    }

    /// <summary>Why the request failed.</summary>
    public ImageGenerationErrorKind Kind { get; }

    /// <summary>The provider name, such as <c>"openai"</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>The model the request was for, when known.</summary>
    public string? Model { get; init; }

    /// <summary>The HTTP status code, when the provider answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The provider's own error code or type, such as <c>"content_policy_violation"</c>.</summary>
    public string? ProviderErrorCode { get; init; }

    /// <summary>The provider's request id, for support tickets.</summary>
    public string? ProviderRequestId { get; init; }

    /// <summary>How long the provider asked to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether the same request may succeed if tried again later (rate limits, outages, timeouts).</summary>
    public bool IsTransient { get; init; }

    /// <summary>The routes a router tried before giving up, in order; empty when no router was involved.</summary>
    public IReadOnlyList<RouteAttempt> Attempts { get; internal set; } = [];

    /// <summary>The provider's error body, at most 4 KiB, with secrets redacted.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>Whether the error kind is one that may pass by itself.</summary>
    public static bool IsTransientKind(ImageGenerationErrorKind kind) =>
        kind is ImageGenerationErrorKind.RateLimited or ImageGenerationErrorKind.ProviderUnavailable or ImageGenerationErrorKind.Timeout;

    /// <summary>Maps an HTTP status code to the error kind it usually means.</summary>
    /// <param name="statusCode">The status code.</param>
    public static ImageGenerationErrorKind KindFromStatusCode(int statusCode) => statusCode switch
    {
        (int)HttpStatusCode.Unauthorized => ImageGenerationErrorKind.Authentication,
        (int)HttpStatusCode.PaymentRequired => ImageGenerationErrorKind.InsufficientCredits,
        (int)HttpStatusCode.Forbidden => ImageGenerationErrorKind.PermissionDenied,
        (int)HttpStatusCode.NotFound => ImageGenerationErrorKind.ModelNotFound,
        (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.GatewayTimeout => ImageGenerationErrorKind.Timeout,
        (int)HttpStatusCode.TooManyRequests => ImageGenerationErrorKind.RateLimited,
        >= 500 => ImageGenerationErrorKind.ProviderUnavailable,
        >= 400 => ImageGenerationErrorKind.InvalidRequest,
        _ => ImageGenerationErrorKind.UnexpectedResponse,
    };

    /// <summary>Describes the error with its kind, provider, status and request id (never the response body).</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{GetType().FullName} ({Kind}");
        if (Provider is not null)
        {
            text += ", provider " + Provider;
        }

        if (StatusCode is { } status)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", HTTP {status}");
        }

        if (ProviderRequestId is not null)
        {
            text += ", request " + ProviderRequestId;
        }

        return text + "): " + Message + (InnerException is null ? "" : " ---> " + InnerException) + Environment.NewLine + StackTrace;
    }
}
