using System.Text.Json;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.OpenAI;

/// <summary>
/// OpenAI-only settings for one request: put them in <c>request.WithProviderOptions("openai", new OpenAIRequestOptions { ... })</c>.
/// Settings a model does not take are dropped with a warning (or refused, per <see cref="UnsupportedSettingBehavior"/>).
/// </summary>
public sealed record OpenAIRequestOptions : ICacheableProviderOptions
{
    /// <summary>GPT image models: <c>transparent</c>, <c>opaque</c> or <c>auto</c>. Transparent needs PNG or WebP output.</summary>
    public string? Background { get; init; }

    /// <summary>GPT image models: <c>low</c> (less restrictive) or <c>auto</c>.</summary>
    public string? Moderation { get; init; }

    /// <summary>GPT image models with JPEG or WebP output: compression 0-100.</summary>
    public int? OutputCompression { get; init; }

    /// <summary>DALL-E 3: <c>vivid</c> or <c>natural</c> (also taken from <see cref="ImageGenerationRequest.Style"/>).</summary>
    public string? Style { get; init; }

    /// <summary>The end-user id for abuse monitoring (also taken from <see cref="ImageGenerationRequest.User"/>).</summary>
    public string? User { get; init; }

    /// <summary>DALL-E and compatible hosts: <c>b64_json</c> or <c>url</c>. DALL-E defaults to <c>b64_json</c> here (no second download); URLs are downloaded at once.</summary>
    public string? ResponseFormat { get; init; }

    /// <summary>GPT image edits: <c>high</c> or <c>low</c>, how closely faces and details of the input are kept (not on gpt-image-1-mini).</summary>
    public string? InputFidelity { get; init; }

    /// <summary>Streaming: how many previews, 0 to 3. Two when streaming and unset.</summary>
    public int? PartialImages { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, OpenAIRequestOptionsCacheKeyJsonContext.Default.OpenAIRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(OpenAIRequestOptions))]
internal sealed partial class OpenAIRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
