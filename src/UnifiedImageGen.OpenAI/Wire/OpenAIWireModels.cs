using System.Text.Json.Serialization;

namespace UnifiedImageGen.OpenAI.Wire;

// Wire shapes of the OpenAI Images API (openai-openapi CreateImageRequest, EditImageBodyJsonParam, ImageGenUsage).
internal sealed class ImageRequestBody
{
    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("images")]
    public List<ImageReference>? Images { get; set; }

    [JsonPropertyName("mask")]
    public ImageReference? Mask { get; set; }

    [JsonPropertyName("n")]
    public int? N { get; set; }

    [JsonPropertyName("size")]
    public string? Size { get; set; }

    [JsonPropertyName("quality")]
    public string? Quality { get; set; }

    // xAI and hosts like it (PROVIDERS.md 8.3); never set for OpenAI's own models.
    [JsonPropertyName("aspect_ratio")]
    public string? AspectRatio { get; set; }

    [JsonPropertyName("response_format")]
    public string? ResponseFormat { get; set; }

    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; set; }

    [JsonPropertyName("output_compression")]
    public int? OutputCompression { get; set; }

    [JsonPropertyName("background")]
    public string? Background { get; set; }

    [JsonPropertyName("moderation")]
    public string? Moderation { get; set; }

    [JsonPropertyName("input_fidelity")]
    public string? InputFidelity { get; set; }

    [JsonPropertyName("style")]
    public string? Style { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("partial_images")]
    public int? PartialImages { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }
}

internal sealed class ImageReference
{
    [JsonPropertyName("image_url")]
    public string? ImageUrl { get; set; }
}

internal sealed class UsageBody
{
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; set; }

    [JsonPropertyName("input_tokens_details")]
    public TokenDetails? InputTokensDetails { get; set; }

    [JsonPropertyName("output_tokens_details")]
    public TokenDetails? OutputTokensDetails { get; set; }

    public ImageUsage ToUsage() => new()
    {
        InputTokens = InputTokens,
        InputTextTokens = InputTokensDetails?.TextTokens,
        InputImageTokens = InputTokensDetails?.ImageTokens,
        OutputTokens = OutputTokens,
        TotalTokens = TotalTokens,
    };
}

internal sealed class TokenDetails
{
    [JsonPropertyName("text_tokens")]
    public long? TextTokens { get; set; }

    [JsonPropertyName("image_tokens")]
    public long? ImageTokens { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageRequestBody))]
[JsonSerializable(typeof(UsageBody))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
