using System.Text.Json.Nodes;

namespace UnifiedImageGen.Replicate;

/// <summary>
/// Replicate-only settings for one request: <c>request.WithProviderOptions("replicate", new ReplicateRequestOptions { ... })</c>.
/// For models this package does not map, put the model's inputs in <see cref="Input"/> (or pass a <see cref="JsonObject"/>
/// as the provider options directly).
/// </summary>
public sealed record ReplicateRequestOptions
{
    /// <summary>More model inputs, merged into <c>input</c> (the prompt stays the request's).</summary>
    public JsonObject? Input { get; init; }

    /// <summary>FLUX: turn the model's safety checker off (<c>disable_safety_checker</c>).</summary>
    public bool? DisableSafetyChecker { get; init; }

    /// <summary>flux-schnell and flux-dev: the fast fp8 path (<c>go_fast</c>, on by default at Replicate; not deterministic).</summary>
    public bool? GoFast { get; init; }

    /// <summary>flux-schnell and flux-dev: <c>"1"</c> or <c>"0.25"</c> megapixels.</summary>
    public string? Megapixels { get; init; }

    /// <summary>FLUX: JPEG/WebP quality 0-100 (<c>output_quality</c>).</summary>
    public int? OutputQuality { get; init; }

    /// <summary>flux-1.1-pro: 1 (strictest) to 6 (<c>safety_tolerance</c>).</summary>
    public int? SafetyTolerance { get; init; }

    /// <summary>flux-1.1-pro: let the model rewrite the prompt (<c>prompt_upsampling</c>).</summary>
    public bool? PromptUpsampling { get; init; }

    /// <summary>A webhook for this request, overriding the options' one.</summary>
    public Uri? WebhookUrl { get; init; }
}
