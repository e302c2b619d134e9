using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Reliability.Tests.Infrastructure;

namespace UnifiedImageGen.Reliability.Tests.Matrix;

/// <summary>One provider under one fault (or none): which exchange the fault hits, and what the SDK must do about it.</summary>
public sealed record MatrixCell(ProviderUnderTest Provider, FaultKind? Fault)
{
    // Run by ResponseBodyTests (the "bodies" section), whose clock also lets a dripping body time out. Declared first:
    // static fields initialize in order, and Faults reads it.
    private static readonly FaultKind[] BodyFaults = [FaultKind.Drip, FaultKind.HtmlImage, FaultKind.ZeroImage, FaultKind.TruncatedImage];

    /// <summary>The rows of the matrix: no fault, then every other fault.</summary>
    public static IReadOnlyList<FaultKind?> Faults { get; } = [null, .. Enum.GetValues<FaultKind>().Where(k => !BodyFaults.Contains(k)).Cast<FaultKind?>()];

    /// <summary>Every cell that applies, row by row.</summary>
    public static IEnumerable<MatrixCell> All =>
        Faults.SelectMany(fault => ProviderUnderTest.All.Select(provider => new MatrixCell(provider, fault))).Where(c => c.Applies);

    /// <summary>Whether the fault exists in this provider's protocol.</summary>
    public bool Applies => Fault switch
    {
        FaultKind.TruncatedJson => !Provider.Has(ProviderTraits.RawImageBody),
        FaultKind.InvalidBase64 => Provider.Has(ProviderTraits.Base64Images),
        FaultKind.ImageUrlNotFound or FaultKind.ImageUrlExpired => Provider.Has(ProviderTraits.UrlImages),
        FaultKind.NeverFinishes => Provider.Has(ProviderTraits.Job),
        // A server of your own refuses no prompt and bills no account.
        FaultKind.ContentPolicy or FaultKind.InsufficientCredits => !Provider.Has(ProviderTraits.SelfHosted),
        _ => true,
    };

    /// <summary>The fault rule to schedule, if any.</summary>
    public FaultRule? Rule => Fault switch
    {
        null => null,
        FaultKind.ImageUrlNotFound or FaultKind.ImageUrlExpired => new FaultRule(Provider.Emulated, EmulatedOperation.Download, Fault.Value),
        // A refusal or an empty account answers the same however often it is asked.
        FaultKind.ContentPolicy or FaultKind.InsufficientCredits => new FaultRule(Provider.Emulated, EmulatedOperation.Submit, Fault.Value) { Persistent = true },
        _ => new FaultRule(Provider.Emulated, EmulatedOperation.Submit, Fault.Value),
    };

    /// <summary>
    /// What the SDK must do. Billable submits are retried only where the provider cannot have started the work (429,
    /// 502, 503, 504; for Replicate's held create only 429); a 500, a reset mid-answer or a timed-out attempt goes to the next route instead.
    /// </summary>
    public Expectation Expected => Fault switch
    {
        null => Expectation.Ok,
        // Stability locks a key out for 60 s after a 429, so its SDK does not wait: the router moves on.
        FaultKind.RateLimitedSeconds or FaultKind.RateLimitedDate when Provider.Emulated == "stability" => Expectation.FallBack(ImageGenerationErrorKind.RateLimited),
        // Replicate's create is held open by Prefer: wait, so a gateway error may follow a prediction that exists (PROVIDERS.md
        // 13.5): the SDK does not resend it but finds it in GET /v1/predictions and carries on, one submit in all.
        FaultKind.BadGateway or FaultKind.ServiceUnavailable or FaultKind.GatewayTimeout when Provider.Emulated == "replicate" => Expectation.Ok,
        FaultKind.RateLimitedSeconds or FaultKind.RateLimitedDate or FaultKind.BadGateway or FaultKind.ServiceUnavailable or FaultKind.GatewayTimeout => Expectation.Retried,
        FaultKind.InternalServerError or FaultKind.ResetMidBody => Expectation.FallBack(ImageGenerationErrorKind.ProviderUnavailable),
        FaultKind.Stall => Expectation.FallBack(ImageGenerationErrorKind.Timeout),
        FaultKind.ContentPolicy => Expectation.Fail(ImageGenerationErrorKind.ContentPolicy),
        FaultKind.InsufficientCredits => Expectation.Fail(ImageGenerationErrorKind.InsufficientCredits),
        // ComfyUI cancels in two requests: delete the prompt from the queue, then (GET /queue shows it running) interrupt it.
        FaultKind.NeverFinishes when Provider.Emulated == "comfyui" => Expectation.FallBack(ImageGenerationErrorKind.Timeout, cancels: 2),
        // Leonardo has no cancel endpoint: the generation is left to finish (it was charged when created).
        FaultKind.NeverFinishes => Expectation.FallBack(ImageGenerationErrorKind.Timeout, cancels: Provider.Has(ProviderTraits.Cancel) ? 1 : 0),
        // Replicate's status read carries the outputs: unreadable, the SDK cannot tell the job finished, so it cancels it.
        FaultKind.InvalidBase64 when Provider.Emulated == "replicate" => Expectation.Fail(ImageGenerationErrorKind.UnexpectedResponse, cancels: 1),
        _ => Expectation.Fail(ImageGenerationErrorKind.UnexpectedResponse),
    };

    /// <summary>The row label.</summary>
    public static string FaultLabel(FaultKind? fault) => fault switch
    {
        null => "none",
        FaultKind.RateLimitedSeconds => "429, Retry-After: seconds",
        FaultKind.RateLimitedDate => "429, Retry-After: HTTP-date",
        FaultKind.InternalServerError => "500",
        FaultKind.BadGateway => "502 (gateway HTML)",
        FaultKind.ServiceUnavailable => "503",
        FaultKind.GatewayTimeout => "504",
        FaultKind.ResetMidBody => "connection reset mid-body",
        FaultKind.Stall => "stalled response",
        FaultKind.TruncatedJson => "truncated JSON",
        FaultKind.InvalidBase64 => "invalid base64",
        FaultKind.WrongContentType => "wrong content type (HTML 200)",
        FaultKind.ImageUrlNotFound => "image URL 404",
        FaultKind.ImageUrlExpired => "image URL 403 (expired)",
        FaultKind.OversizedBody => "oversized body (4 GiB announced)",
        FaultKind.ContentPolicy => "content-policy refusal",
        FaultKind.InsufficientCredits => "insufficient credits",
        FaultKind.NeverFinishes => "job never finishes",
        _ => fault.Value.ToString(),
    };

    public override string ToString() => $"{Provider.Label} x {FaultLabel(Fault)}";
}
