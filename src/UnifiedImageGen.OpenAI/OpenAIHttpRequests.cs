using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.OpenAI.Wire;
using UnifiedImageGen.Providers;

namespace UnifiedImageGen.OpenAI;

/// <summary>Builds the HTTP requests of the three Images endpoints, in JSON or multipart as each needs.</summary>
internal static class OpenAIHttpRequests
{
    public static HttpRequestMessage Create(OpenAIRequestPlan plan, ImageGenerationRequest part, OpenAIImageGeneratorOptions options, bool stream)
    {
        string operation = part.Operation switch
        {
            ImageOperation.Generate => "generations",
            ImageOperation.Variation => "variations",
            _ => "edits",
        };
        var message = new HttpRequestMessage(HttpMethod.Post, Address(options, operation))
        {
            Content = operation switch
            {
                "generations" => Json(GenerationBody(plan, part, stream), plan),
                "edits" when plan.UsesJsonEdit => Json(JsonEditBody(plan, part, stream), plan),
                "edits" => EditForm(plan, part, stream),
                _ => VariationForm(plan, part),
            },
        };
        Authorize(message, options);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "text/event-stream" : "application/json"));
        return message;
    }

    public static Uri Address(OpenAIImageGeneratorOptions options, string operation)
    {
        string baseText = options.Endpoint.AbsoluteUri;
        var baseUri = baseText.EndsWith('/') ? options.Endpoint : new Uri(baseText + "/");
        string path = options.DeploymentName is { } deployment
            ? $"openai/deployments/{Uri.EscapeDataString(deployment)}/images/{operation}"
            : $"images/{operation}";
        if (options.ApiVersion is { } version)
        {
            path += "?api-version=" + Uri.EscapeDataString(version);
        }

        return new Uri(baseUri, path);
    }

    private static void Authorize(HttpRequestMessage message, OpenAIImageGeneratorOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            if (options.ApiKeyHeaderName.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(options.ApiKeyHeaderName, options.ApiKey);
            }
        }

        if (options.Organization is { } organization)
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
        }

        if (options.Project is { } project)
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Project", project);
        }
    }

    private static ImageRequestBody GenerationBody(OpenAIRequestPlan plan, ImageGenerationRequest part, bool stream) => new()
    {
        Prompt = part.Prompt,
        Model = plan.Model.Id,
        N = part.Count,
        Size = part.Size?.ToString(),
        Quality = part.Quality?.Value,
        ResponseFormat = plan.ResponseFormat,
        OutputFormat = plan.OutputFormat,
        OutputCompression = plan.OutputCompression,
        Background = plan.Background,
        Moderation = plan.Moderation,
        Style = plan.Style,
        User = plan.User,
        Stream = stream ? true : null,
        PartialImages = stream ? plan.PartialImages ?? 2 : null,
    };

    private static ImageRequestBody JsonEditBody(OpenAIRequestPlan plan, ImageGenerationRequest part, bool stream)
    {
        var body = GenerationBody(plan, part, stream);
        body.Style = null;
        body.ResponseFormat = null;
        body.InputFidelity = plan.InputFidelity;
        body.Images = part.InputImages.Select(Reference).ToList();
        body.Mask = part.Mask is { } mask ? Reference(mask) : null;
        return body;
    }

    private static ImageReference Reference(ImageInput input) => new()
    {
        ImageUrl = input.Uri?.AbsoluteUri ?? $"data:{input.MediaType};base64,{Convert.ToBase64String(input.Data.Span)}",
    };

    private static HttpContent Json(ImageRequestBody body, OpenAIRequestPlan plan)
    {
        byte[] bytes;
        if (plan.ExtraMembers is null)
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(body, OpenAIJsonContext.Default.ImageRequestBody);
        }
        else
        {
            var node = JsonSerializer.SerializeToNode(body, OpenAIJsonContext.Default.ImageRequestBody)!.AsObject();
            ProviderOptionsReader.Merge(node, plan.ExtraMembers, OpenAIImageGenerator.ProviderName, OpenAIRequestPlan.ReservedMembers);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                node.WriteTo(writer);
            }

            bytes = buffer.WrittenSpan.ToArray();
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static MultipartFormDataContent EditForm(OpenAIRequestPlan plan, ImageGenerationRequest part, bool stream)
    {
        var form = new MultipartFormDataContent();
        var body = GenerationBody(plan, part, stream);
        Field(form, "prompt", body.Prompt);
        Field(form, "model", body.Model);
        Field(form, "n", body.N);
        Field(form, "size", body.Size);
        Field(form, "quality", body.Quality);
        Field(form, "response_format", plan.Family == OpenAIModelFamily.GptImage ? null : body.ResponseFormat);
        Field(form, "output_format", body.OutputFormat);
        Field(form, "output_compression", body.OutputCompression);
        Field(form, "background", body.Background);
        Field(form, "moderation", body.Moderation);
        Field(form, "input_fidelity", plan.InputFidelity);
        Field(form, "user", body.User);
        Field(form, "stream", stream ? "true" : null);
        Field(form, "partial_images", body.PartialImages);
        ExtraFields(form, plan.ExtraMembers);

        // One image goes as "image"; several as repeated "image[]" parts, as the official SDKs send them.
        var images = part.InputImages;
        for (int i = 0; i < images.Count; i++)
        {
            File(form, images.Count == 1 ? "image" : "image[]", images[i], images.Count == 1 ? "image" : $"image_{i}");
        }

        if (part.Mask is { } mask)
        {
            File(form, "mask", mask, "mask");
        }

        return form;
    }

    private static MultipartFormDataContent VariationForm(OpenAIRequestPlan plan, ImageGenerationRequest part)
    {
        var form = new MultipartFormDataContent();
        Field(form, "model", plan.Model.Id);
        Field(form, "n", part.Count);
        Field(form, "size", part.Size?.ToString());
        Field(form, "response_format", plan.ResponseFormat);
        Field(form, "user", plan.User);
        ExtraFields(form, plan.ExtraMembers);
        File(form, "image", part.InputImages[0], "image");
        return form;
    }

    private static void Field(MultipartFormDataContent form, string name, int? value)
    {
        if (value is { } number)
        {
            Field(form, name, number.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Field(MultipartFormDataContent form, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
        form.Add(content);
    }

    private static void ExtraFields(MultipartFormDataContent form, JsonObject? extra)
    {
        if (extra is null)
        {
            return;
        }

        ProviderOptionsReader.ThrowIfReserved(extra, OpenAIImageGenerator.ProviderName, OpenAIRequestPlan.ReservedMembers);
        foreach (var (name, value) in extra)
        {
            Field(form, name, value is JsonValue scalar && scalar.TryGetValue(out string? text) ? text : value?.ToJsonString());
        }
    }

    private static void File(MultipartFormDataContent form, string name, ImageInput image, string stem)
    {
        var content = new ReadOnlyMemoryContent(image.Data);
        content.Headers.ContentType = new MediaTypeHeaderValue(image.MediaType);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name), FileName = Quote(OpenAIRequestPlan.FileName(image, stem)) };
        form.Add(content);
    }

    private static string Quote(string value) => "\"" + value + "\"";
}
