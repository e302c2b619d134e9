using System.Text.Json;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.OpenAI.Wire;

/// <summary>One entry of <c>data</c>, or the image of a stream event.</summary>
internal sealed record OpenAIImageData(byte[]? Bytes, string? Url, string? RevisedPrompt);

/// <summary>An <c>ImagesResponse</c> or a streaming event, with the images already decoded.</summary>
internal sealed class OpenAIResponse
{
    public string? Type { get; set; }

    public long? Created { get; set; }

    public List<OpenAIImageData> Data { get; } = [];

    public string? Size { get; set; }

    public string? Quality { get; set; }

    public string? OutputFormat { get; set; }

    public string? Background { get; set; }

    public int? PartialImageIndex { get; set; }

    public ImageUsage? Usage { get; set; }

    /// <summary><c>usage.output_tokens_details.image_tokens</c>: output tokens priced as image tokens.</summary>
    public long? OutputImageTokens { get; set; }

    /// <summary><c>usage.output_tokens_details.text_tokens</c>: output tokens priced as text tokens.</summary>
    public long? OutputTextTokens { get; set; }

    public bool HasError { get; set; }
}

/// <summary>
/// Reads response bodies in one <see cref="Utf8JsonReader"/> pass, decoding <c>b64_json</c> straight from the UTF-8
/// bytes into exact-size arrays: a multi-megabyte image never becomes a string.
/// </summary>
internal static class OpenAIResponseReader
{
    public static OpenAIResponse Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var response = new OpenAIResponse();
        Expect(ref reader, JsonTokenType.StartObject);
        byte[]? streamedImage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    response.Data.Add(ReadImage(ref reader));
                }
            }
            else if (reader.ValueTextEquals("b64_json"u8))
            {
                reader.Read();
                streamedImage = Base64Image.Decode(ref reader);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                response.Type = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("created"u8) || reader.ValueTextEquals("created_at"u8))
            {
                reader.Read();
                response.Created = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long created) ? created : null;
            }
            else if (reader.ValueTextEquals("size"u8))
            {
                response.Size = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("quality"u8))
            {
                response.Quality = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("output_format"u8))
            {
                response.OutputFormat = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("background"u8))
            {
                response.Background = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("partial_image_index"u8))
            {
                reader.Read();
                response.PartialImageIndex = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : null;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                var usage = reader.TokenType == JsonTokenType.StartObject
                    ? JsonSerializer.Deserialize(ref reader, OpenAIJsonContext.Default.UsageBody)
                    : null;
                response.Usage = usage?.ToUsage();
                response.OutputImageTokens = usage?.OutputTokensDetails?.ImageTokens;
                response.OutputTextTokens = usage?.OutputTokensDetails?.TextTokens;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                response.HasError = reader.TokenType != JsonTokenType.Null;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (streamedImage is not null)
        {
            response.Data.Add(new OpenAIImageData(streamedImage, null, null));
        }

        return response;
    }

    private static OpenAIImageData ReadImage(ref Utf8JsonReader reader)
    {
        byte[]? bytes = null;
        string? url = null, revised = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("b64_json"u8))
            {
                reader.Read();
                bytes = reader.TokenType == JsonTokenType.Null ? null : Base64Image.Decode(ref reader);
            }
            else if (reader.ValueTextEquals("url"u8))
            {
                url = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("revised_prompt"u8))
            {
                revised = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new OpenAIImageData(bytes, url, revised);
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"Expected {type} in the OpenAI response.");
        }
    }
}
