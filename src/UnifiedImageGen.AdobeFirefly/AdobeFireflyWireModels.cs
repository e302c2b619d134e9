using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace UnifiedImageGen.AdobeFirefly;

// Wire types: internal, read and written only through the source-generated context below.
internal sealed class FireflyStarted
{
    [JsonPropertyName("jobId")]
    public string? JobId { get; set; }

    [JsonPropertyName("statusUrl")]
    public string? StatusUrl { get; set; }

    [JsonPropertyName("cancelUrl")]
    public string? CancelUrl { get; set; }
}

internal sealed class FireflyStatus
{
    [JsonPropertyName("jobId")]
    public string? JobId { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("progress")]
    public double? Progress { get; set; }

    [JsonPropertyName("result")]
    public FireflyResult? Result { get; set; }

    [JsonPropertyName("error_code")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

internal sealed class FireflyResult
{
    [JsonPropertyName("outputs")]
    public List<FireflyOutput>? Outputs { get; set; }
}

internal sealed class FireflyOutput
{
    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("image")]
    public FireflyImage? Image { get; set; }
}

internal sealed class FireflyImage
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }
}

internal sealed class FireflyUpload
{
    [JsonPropertyName("images")]
    public List<FireflyUploaded>? Images { get; set; }
}

internal sealed class FireflyUploaded
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}

[JsonSerializable(typeof(FireflyStarted))]
[JsonSerializable(typeof(FireflyStatus))]
[JsonSerializable(typeof(FireflyUpload))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class FireflyJsonContext : JsonSerializerContext;
