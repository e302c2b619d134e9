using System.Text.Json;

namespace UnifiedImageGen.Caching;

/// <summary>
/// Typed provider options (a value of <see cref="ImageGenerationRequest.ProviderOptions"/>) that write their whole
/// value, so <see cref="ImageCacheKey"/> can key the requests that carry them. Every provider package's
/// <c>{Provider}RequestOptions</c> implements it. A request whose options are neither a
/// <see cref="System.Text.Json.Nodes.JsonObject"/> nor an implementation of this interface is never cached: its key
/// could not tell two different option values apart.
/// </summary>
public interface ICacheableProviderOptions
{
    /// <summary>
    /// Writes exactly one JSON value holding every setting by value (nested lists and records included), the same for
    /// equal options and different for different ones; trimming- and AOT-safe implementations serialize through a
    /// source-generated <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.
    /// </summary>
    /// <param name="writer">The writer of the canonical form.</param>
    /// <exception cref="JsonException">A value cannot be written (the request is then not cached).</exception>
    void WriteCacheKey(Utf8JsonWriter writer);
}
