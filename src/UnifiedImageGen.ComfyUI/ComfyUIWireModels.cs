using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.ComfyUI;

// Wire types: internal, read and written only through the source-generated context below.
internal sealed record ComfyUIFile(string Filename, string Subfolder, string Type);

internal sealed class ComfyUIOutputs
{
    public List<ComfyUIFile> Images { get; } = [];

    public double? ExecutionSeconds { get; set; }
}

internal sealed class SocketMessage
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data")]
    public SocketData? Data { get; set; }
}

internal sealed class SocketData
{
    [JsonPropertyName("prompt_id")]
    public string? PromptId { get; set; }

    [JsonPropertyName("value")]
    public double? Value { get; set; }

    [JsonPropertyName("max")]
    public double? Max { get; set; }
}

[JsonSerializable(typeof(SocketMessage))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ComfyUIJsonContext : JsonSerializerContext;
