using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.Fal.Wire;

// Shapes of fal's queue API and FLUX outputs (PROVIDERS.md 4.2-4.4).
// fal-js storage.ts initiateUpload: POST {rest}/storage/upload/initiate answers where to PUT the bytes and the file's URL.
internal sealed class UploadInitiated
{
    [JsonPropertyName("upload_url")]
    public string? UploadUrl { get; set; }

    [JsonPropertyName("file_url")]
    public string? FileUrl { get; set; }
}

internal sealed class QueueSubmitted
{
    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }

    [JsonPropertyName("response_url")]
    public string? ResponseUrl { get; set; }

    [JsonPropertyName("status_url")]
    public string? StatusUrl { get; set; }

    [JsonPropertyName("cancel_url")]
    public string? CancelUrl { get; set; }

    [JsonPropertyName("queue_position")]
    public int? QueuePosition { get; set; }
}

internal sealed class QueueStatus
{
    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }

    [JsonPropertyName("queue_position")]
    public int? QueuePosition { get; set; }

    [JsonPropertyName("logs")]
    public List<QueueLog>? Logs { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("error_type")]
    public string? ErrorType { get; set; }

    [JsonPropertyName("metrics")]
    public Dictionary<string, JsonElement>? Metrics { get; set; }
}

internal sealed class QueueLog
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("level")]
    public string? Level { get; set; }
}

internal sealed class FluxOutput
{
    [JsonPropertyName("images")]
    public List<FluxImage>? Images { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("has_nsfw_concepts")]
    public List<bool>? HasNsfwConcepts { get; set; }

    [JsonPropertyName("timings")]
    public Dictionary<string, JsonElement>? Timings { get; set; }
}

internal sealed class FluxImage
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("width")]
    public int? Width { get; set; }

    [JsonPropertyName("height")]
    public int? Height { get; set; }

    [JsonPropertyName("content_type")]
    public string? ContentType { get; set; }
}

internal sealed class WebhookDelivery
{
    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("payload")]
    public JsonElement? Payload { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("payload_error")]
    public string? PayloadError { get; set; }
}

internal sealed class JsonWebKeySet
{
    [JsonPropertyName("keys")]
    public List<JsonWebKey>? Keys { get; set; }
}

internal sealed class JsonWebKey
{
    [JsonPropertyName("kty")]
    public string? KeyType { get; set; }

    [JsonPropertyName("crv")]
    public string? Curve { get; set; }

    [JsonPropertyName("x")]
    public string? X { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadInitiated))]
[JsonSerializable(typeof(QueueSubmitted))]
[JsonSerializable(typeof(QueueStatus))]
[JsonSerializable(typeof(FluxOutput))]
[JsonSerializable(typeof(WebhookDelivery))]
[JsonSerializable(typeof(JsonWebKeySet))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class FalJsonContext : JsonSerializerContext;
