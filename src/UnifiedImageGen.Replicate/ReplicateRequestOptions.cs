using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Replicate;

/// <summary>
/// Replicate-only settings for one request: <c>request.WithProviderOptions("replicate", new ReplicateRequestOptions { ... })</c>.
/// For models this package does not map, put the model's inputs in <see cref="Input"/> (or pass a <see cref="JsonObject"/>
/// as the provider options directly).
/// </summary>
public sealed record ReplicateRequestOptions : ICacheableProviderOptions
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

    /// <summary>
    /// <c>safety_tolerance</c>, lower is stricter: flux-1.1-pro and -ultra 1-6, Kontext 0-6 (at most 2 with an input
    /// image), FLUX.2 pro 1-5. Values outside are clamped.
    /// </summary>
    public int? SafetyTolerance { get; init; }

    /// <summary>flux-1.1-pro and Kontext: let the model rewrite the prompt (<c>prompt_upsampling</c>).</summary>
    public bool? PromptUpsampling { get; init; }

    /// <summary>flux-1.1-pro-ultra: less processed, more natural-looking images (<c>raw</c>).</summary>
    public bool? Raw { get; init; }

    /// <summary>A webhook for this request, overriding the options' one.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ReplicateRequestOptionsCacheKeyJsonContext.Default.ReplicateRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(ReplicateRequestOptions))]
internal sealed partial class ReplicateRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
