using System.Text.Json;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Google;

/// <summary>Google-only settings for one request: <c>request.WithProviderOptions("google", new GoogleRequestOptions { ... })</c>.</summary>
public sealed record GoogleRequestOptions : ICacheableProviderOptions
{
    /// <summary>
    /// Gemini 3 image models' <c>imageConfig.imageSize</c>: <c>1K</c>, <c>2K</c>, <c>4K</c>, or <c>0.5K</c> (sent as
    /// <c>512</c>; gemini-3.1-flash-image on the Gemini API only). Otherwise chosen from the longest side of
    /// <see cref="ImageGenerationRequest.Size"/>; without either, Google's default (1K).
    /// </summary>
    public string? ImageSize { get; init; }

    /// <summary>Gemini image models: the request's <c>safetySettings</c> (harm category and blocking threshold).</summary>
    public IReadOnlyList<GoogleSafetySetting>? SafetySettings { get; init; }

    /// <summary>Imagen: <c>dont_allow</c>, <c>allow_adult</c> or <c>allow_all</c> (Vertex AI only).</summary>
    public string? PersonGeneration { get; init; }

    /// <summary>Imagen: <c>block_low_and_above</c>, <c>block_medium_and_above</c> or <c>block_only_high</c>.</summary>
    public string? SafetySetting { get; init; }

    /// <summary>
    /// Imagen on Vertex AI: the SynthID watermark (on by default). Imagen refuses a seed while it is on, so a request
    /// with a <see cref="ImageGenerationRequest.Seed"/> sends <c>false</c> unless this is <see langword="true"/> (then the seed is dropped).
    /// </summary>
    public bool? AddWatermark { get; init; }

    /// <summary>Imagen on Vertex AI: let an LLM rewrite the prompt; the rewrite comes back as <see cref="GeneratedImage.RevisedPrompt"/>.</summary>
    public bool? EnhancePrompt { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, GoogleRequestOptionsCacheKeyJsonContext.Default.GoogleRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(GoogleRequestOptions))]
internal sealed partial class GoogleRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
