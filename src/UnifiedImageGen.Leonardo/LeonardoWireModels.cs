using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.Leonardo;

// Wire types: internal, read and written only through the source-generated context below.
internal sealed class CreateAnswer
{
    [JsonPropertyName("sdGenerationJob")]
    public CreatedJob? Job { get; set; }

    // v2 (POST /api/rest/v2/generations) names the same object "generate".
    [JsonPropertyName("generate")]
    public CreatedJob? V2Job { get; set; }
}

internal sealed class CreatedJob
{
    [JsonPropertyName("generationId")]
    public string? GenerationId { get; set; }

    // Deprecated in the spec in favour of cost; read as decimal because example bodies carry fractions.
    [JsonPropertyName("apiCreditCost")]
    public decimal? ApiCreditCost { get; set; }

    [JsonPropertyName("cost")]
    public LeonardoCost? Cost { get; set; }
}

// leonardo-ts-sdk shared/cost.ts: the amount is a string; unit CREDITS or DOLLARS (DOLLARS only on PAYG plans).
internal sealed class LeonardoCost
{
    [JsonPropertyName("amount")]
    public string? Amount { get; set; }

    [JsonPropertyName("unit")]
    public string? Unit { get; set; }
}

internal sealed class InitImageAnswer
{
    [JsonPropertyName("uploadInitImage")]
    public InitImageUpload? Upload { get; set; }
}

// leonardo-ts-sdk operations/uploadinitimage.ts InitImageUploadOutput: fields is a JSON object serialised as a string.
internal sealed class InitImageUpload
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("fields")]
    public string? Fields { get; set; }
}

internal sealed class GenerationAnswer
{
    [JsonPropertyName("generations_by_pk")]
    public LeonardoGeneration? Generation { get; set; }
}

internal sealed class LeonardoGeneration
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("modelId")]
    public string? ModelId { get; set; }

    [JsonPropertyName("imageWidth")]
    public int? ImageWidth { get; set; }

    [JsonPropertyName("imageHeight")]
    public int? ImageHeight { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("generated_images")]
    public List<LeonardoImage>? Images { get; set; }

    // Webhook deliveries name the list "images".
    [JsonPropertyName("images")]
    public List<LeonardoImage>? DeliveredImages
    {
        get => null;
        set => Images ??= value;
    }
}

internal sealed class LeonardoImage
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("nsfw")]
    public bool? Nsfw { get; set; }
}

internal sealed class WebhookDelivery
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data")]
    public WebhookData? Data { get; set; }
}

internal sealed class WebhookData
{
    [JsonPropertyName("object")]
    public LeonardoGeneration? Object { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateAnswer))]
[JsonSerializable(typeof(GenerationAnswer))]
[JsonSerializable(typeof(InitImageAnswer))]
[JsonSerializable(typeof(WebhookDelivery))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class LeonardoJsonContext : JsonSerializerContext;
