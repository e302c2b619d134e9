using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.BlackForestLabs;

/// <summary>BFL-only settings for one request: <c>request.WithProviderOptions("bfl", new BlackForestLabsRequestOptions { ... })</c>.</summary>
public sealed record BlackForestLabsRequestOptions : ICacheableProviderOptions
{
    /// <summary><c>safety_tolerance</c>: 0 (strictest) to 6 (FLUX.2: 5); a value outside is clamped with a warning.</summary>
    public int? SafetyTolerance { get; init; }

    /// <summary><c>prompt_upsampling</c>: let the model expand the prompt. FLUX.2 [pro]/[max]/[klein] have no such field: it is dropped with a warning (flux-2-flex takes it).</summary>
    public bool? PromptUpsampling { get; init; }

    /// <summary>Ultra: <c>raw</c>, a less processed, more natural look.</summary>
    public bool? Raw { get; init; }

    /// <summary>Expand: pixels to add above, 0-2048 (<see cref="ArgumentOutOfRangeException"/> otherwise, before the call).</summary>
    public int? Top { get; init; }

    /// <summary>Expand: pixels to add below, 0-2048 (<see cref="ArgumentOutOfRangeException"/> otherwise, before the call).</summary>
    public int? Bottom { get; init; }

    /// <summary>Expand: pixels to add on the left, 0-2048 (<see cref="ArgumentOutOfRangeException"/> otherwise, before the call).</summary>
    public int? Left { get; init; }

    /// <summary>Expand: pixels to add on the right, 0-2048 (<see cref="ArgumentOutOfRangeException"/> otherwise, before the call).</summary>
    public int? Right { get; init; }

    /// <summary>
    /// <c>webhook_url</c> for this request, overriding <see cref="JobImageGeneratorOptionsBase.WebhookUrl"/>: an absolute
    /// https URL of at most 2083 characters, checked before the submit (<see cref="ArgumentException"/> otherwise).
    /// With a webhook BFL's answer has no polling URL and the job id is the bare task id.
    /// </summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary><c>webhook_secret</c> for this request, overriding <see cref="BlackForestLabsImageGeneratorOptions.WebhookSecret"/>; needs a webhook URL. Never logged.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>More body members, merged in (prompt and input images stay the request's).</summary>
    public JsonObject? Input { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, BlackForestLabsRequestOptionsCacheKeyJsonContext.Default.BlackForestLabsRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(BlackForestLabsRequestOptions))]
internal sealed partial class BlackForestLabsRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
