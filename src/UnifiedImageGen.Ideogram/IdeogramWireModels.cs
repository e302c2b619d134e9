using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.Ideogram;

// Wire types: internal, read and written only through the source-generated context below.
internal sealed class IdeogramResponse
{
    [JsonPropertyName("created")]
    public string? Created { get; set; }

    [JsonPropertyName("data")]
    public List<IdeogramImage>? Data { get; set; }
}

internal sealed class IdeogramImage
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("resolution")]
    public string? Resolution { get; set; }

    [JsonPropertyName("is_image_safe")]
    public bool? IsImageSafe { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("style_type")]
    public string? StyleType { get; set; }
}

[JsonSerializable(typeof(IdeogramResponse))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class IdeogramJsonContext : JsonSerializerContext;
