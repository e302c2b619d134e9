namespace UnifiedImageGen.Emulator.Faults;

/// <summary>What goes wrong with one exchange. Each provider answers a fault in its own wire shape.</summary>
public enum FaultKind
{
    /// <summary>HTTP 429 with <c>Retry-After</c> in seconds.</summary>
    RateLimitedSeconds,

    /// <summary>HTTP 429 with <c>Retry-After</c> as an HTTP-date.</summary>
    RateLimitedDate,

    /// <summary>HTTP 500 with the provider's error body.</summary>
    InternalServerError,

    /// <summary>HTTP 502 from a gateway in front of the provider (an HTML page).</summary>
    BadGateway,

    /// <summary>HTTP 503 with the provider's error body.</summary>
    ServiceUnavailable,

    /// <summary>HTTP 504 from a gateway in front of the provider.</summary>
    GatewayTimeout,

    /// <summary>The headers and part of the body are sent, then the connection is aborted.</summary>
    ResetMidBody,

    /// <summary>The request is never answered until the client gives up.</summary>
    Stall,

    /// <summary>A 200 whose JSON body stops halfway (with a matching Content-Length).</summary>
    TruncatedJson,

    /// <summary>A 200 whose image payload is not valid base64.</summary>
    InvalidBase64,

    /// <summary>A 200 with an HTML page (a captive portal or proxy) instead of the provider's answer.</summary>
    WrongContentType,

    /// <summary>The image URL answers 404 (deleted).</summary>
    ImageUrlNotFound,

    /// <summary>The image URL answers 403 (its signature expired).</summary>
    ImageUrlExpired,

    /// <summary>A 200 announcing a body larger than any SDK limit.</summary>
    OversizedBody,

    /// <summary>The provider's content-policy refusal (its real shape: an error status, or a failed job).</summary>
    ContentPolicy,

    /// <summary>The provider's answer when the account is out of credits.</summary>
    InsufficientCredits,

    /// <summary>A job that is accepted but stays pending for ever.</summary>
    NeverFinishes,

    /// <summary>
    /// The headers (with the whole body's Content-Length) and one byte of the body are sent, then one byte a second
    /// on <see cref="ProviderEmulator.TimeProvider"/> for <see cref="ProviderEmulator.DripSeconds"/> seconds, then
    /// nothing until the client gives up; counted as stalled from the headers on.
    /// </summary>
    Drip,

    /// <summary>A 200 whose image (base64 field, raw body or download) is an HTML page instead of an image.</summary>
    HtmlImage,

    /// <summary>A 200 whose image is a run of zero bytes.</summary>
    ZeroImage,

    /// <summary>A 200 whose image is a PNG cut off halfway.</summary>
    TruncatedImage,
}
