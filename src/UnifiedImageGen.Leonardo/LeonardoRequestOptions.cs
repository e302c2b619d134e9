using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Leonardo;

/// <summary>Leonardo-only settings for one request: <c>request.WithProviderOptions("leonardo", new LeonardoRequestOptions { ... })</c>.</summary>
public sealed record LeonardoRequestOptions : ICacheableProviderOptions
{
    /// <summary>
    /// <c>presetStyle</c> (v1), one of Leonardo's fixed list such as <c>CINEMATIC</c> or <c>DYNAMIC</c>; another value
    /// throws. <see cref="ImageGenerationRequest.Style"/> is used when it names one of them, else dropped with a warning.
    /// </summary>
    public string? PresetStyle { get; init; }

    /// <summary>
    /// <c>contrast</c>: 3, 3.5 or 4 for Lucid Origin, Lucid Realism and FLUX.1 Kontext on v1 (which require it; 3.5 is
    /// sent when unset), otherwise one of 1.0, 1.3, 1.8, 2.5, 3, 3.5, 4, 4.5.
    /// </summary>
    public double? Contrast { get; init; }

    /// <summary><c>alchemy</c>: Leonardo's higher-quality pipeline (costs more credits).</summary>
    public bool? Alchemy { get; init; }

    /// <summary><c>public</c>: whether the generation shows in Leonardo's community feed.</summary>
    /// <value><see langword="false"/> (sent explicitly, so product images stay private).</value>
    public bool Public { get; init; }

    /// <summary>More body members, merged in (the prompt stays the request's); for v2 models into <c>parameters</c>.</summary>
    public JsonObject? Fields { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, LeonardoRequestOptionsCacheKeyJsonContext.Default.LeonardoRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(LeonardoRequestOptions))]
internal sealed partial class LeonardoRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
