using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.Replicate.Wire;

// Shapes of the Replicate HTTP API (PROVIDERS.md 3.2-3.3).
internal sealed class CreatePredictionBody
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("input")]
    public JsonObject Input { get; set; } = [];

    [JsonPropertyName("webhook")]
    public string? Webhook { get; set; }

    [JsonPropertyName("webhook_events_filter")]
    public List<string>? WebhookEventsFilter { get; set; }
}

internal sealed class Prediction
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("deployment")]
    public string? Deployment { get; set; }

    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }

    [JsonPropertyName("logs")]
    public string? Logs { get; set; }

    [JsonPropertyName("output")]
    public JsonElement? Output { get; set; }

    [JsonPropertyName("metrics")]
    public PredictionMetrics? Metrics { get; set; }

    [JsonPropertyName("urls")]
    public PredictionUrls? Urls { get; set; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; set; }

    [JsonPropertyName("completed_at")]
    public DateTimeOffset? CompletedAt { get; set; }

    [JsonPropertyName("data_removed")]
    public bool? DataRemoved { get; set; }
}

internal sealed class PredictionMetrics
{
    [JsonPropertyName("predict_time")]
    public double? PredictTime { get; set; }

    [JsonPropertyName("total_time")]
    public double? TotalTime { get; set; }
}

internal sealed class PredictionUrls
{
    [JsonPropertyName("get")]
    public string? Get { get; set; }

    [JsonPropertyName("cancel")]
    public string? Cancel { get; set; }
}

// GET /v1/predictions: one page, most recent first (PROVIDERS.md 3.2).
internal sealed class PredictionPage
{
    [JsonPropertyName("next")]
    public string? Next { get; set; }

    [JsonPropertyName("results")]
    public List<Prediction> Results { get; set; } = [];
}

// GET /v1/webhooks/default/secret (PROVIDERS.md 3.2, 13.5).
internal sealed class WebhookSecret
{
    [JsonPropertyName("key")]
    public string? Key { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreatePredictionBody))]
[JsonSerializable(typeof(Prediction))]
[JsonSerializable(typeof(PredictionPage))]
[JsonSerializable(typeof(WebhookSecret))]
internal sealed partial class ReplicateJsonContext : JsonSerializerContext;
