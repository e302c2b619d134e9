using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.BlackForestLabs;

// Wire types: internal, read and written only through the source-generated context below.
// AsyncResponse {id, polling_url, ...} or, with a webhook, AsyncWebhookResponse {id, status, webhook_url, ...} (bfl-openapi.json).
internal sealed class BflSubmitted
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("polling_url")]
    public string? PollingUrl { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("webhook_url")]
    public string? WebhookUrl { get; set; }

    [JsonPropertyName("cost")]
    public decimal? Cost { get; set; }

    [JsonPropertyName("input_mp")]
    public double? InputMegapixels { get; set; }

    [JsonPropertyName("output_mp")]
    public double? OutputMegapixels { get; set; }
}

internal sealed class BflResult
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("result")]
    public JsonElement? Result { get; set; }

    [JsonPropertyName("progress")]
    public double? Progress { get; set; }

    [JsonPropertyName("details")]
    public JsonElement? Details { get; set; }

    [JsonPropertyName("preview")]
    public JsonElement? Preview { get; set; }
}

[JsonSerializable(typeof(BflSubmitted))]
[JsonSerializable(typeof(BflResult))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class BflJsonContext : JsonSerializerContext;
