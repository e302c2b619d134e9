using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Fal;

/// <summary>
/// fal-only settings for one request: <c>request.WithProviderOptions("fal", new FalRequestOptions { ... })</c>. For
/// endpoints this package does not map, put their inputs in <see cref="Input"/> (or pass a <see cref="JsonObject"/>).
/// </summary>
public sealed record FalRequestOptions : ICacheableProviderOptions
{
    /// <summary>More endpoint inputs, merged into the body (the prompt stays the request's).</summary>
    public JsonObject? Input { get; init; }

    /// <summary>FLUX: the safety checker (<c>enable_safety_checker</c>; fal's default is on).</summary>
    public bool? EnableSafetyChecker { get; init; }

    /// <summary>FLUX: <c>none</c>, <c>regular</c> or <c>high</c> (<c>acceleration</c>).</summary>
    public string? Acceleration { get; init; }

    /// <summary>FLUX pro, Kontext and FLUX.2 pro: <c>safety_tolerance</c>, 1 (strictest) to 6 (FLUX.2 pro: 5); fal's default is 2.</summary>
    public int? SafetyTolerance { get; init; }

    /// <summary>Lets fal rewrite the prompt: <c>enhance_prompt</c> (FLUX pro, Kontext) or <c>enable_prompt_expansion</c> (FLUX.2 dev).</summary>
    public bool? EnhancePrompt { get; init; }

    /// <summary>FLUX1.1 pro ultra: <c>raw</c>, less processed, more natural-looking images.</summary>
    public bool? Raw { get; init; }

    /// <summary>FLUX1.1 pro ultra: <c>image_prompt_strength</c>, 0-1 (fal's default 0.1), how much the input image guides the output.</summary>
    public double? ImagePromptStrength { get; init; }

    /// <summary>Queue priority: <c>normal</c> or <c>low</c> (<c>X-Fal-Queue-Priority</c>).</summary>
    public string? QueuePriority { get; init; }

    /// <summary>The longest wait in fal's queue for this request (<c>X-Fal-Request-Timeout</c>, more than 1 s), overriding <see cref="FalImageGeneratorOptions.QueueTimeout"/>; it does not bound the run.</summary>
    public TimeSpan? QueueTimeout { get; init; }

    /// <summary>A webhook for this request (<c>fal_webhook</c>), overriding the options' one.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, FalRequestOptionsCacheKeyJsonContext.Default.FalRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(FalRequestOptions))]
internal sealed partial class FalRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
