using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Http;
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
        var baseUri = ImageGenerationHttp.WithTrailingSlash(options.Endpoint);
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
        Size = plan.Size,
        Quality = plan.Quality,
        AspectRatio = plan.AspectRatio,
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
        // Byte inputs fit: OpenAIRequestPlan refused any above OpenAIRequestPlan.MaxImageUrlLength before the call.
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
        var body = GenerationBody(plan, part, stream);
        var form = new MultipartForm()
            .Field("prompt", body.Prompt)
            .Field("model", body.Model)
            .Field("n", body.N)
            .Field("size", body.Size)
            .Field("quality", body.Quality)
            .Field("response_format", plan.Family == OpenAIModelFamily.GptImage ? null : body.ResponseFormat)
            .Field("output_format", body.OutputFormat)
            .Field("output_compression", body.OutputCompression)
            .Field("background", body.Background)
            .Field("moderation", body.Moderation)
            .Field("input_fidelity", plan.InputFidelity)
            .Field("user", body.User)
            .Field("stream", stream ? true : null)
            .Field("partial_images", body.PartialImages)
            .Fields(ExtraFields(plan));

        // One image goes as "image"; several as repeated "image[]" parts, as the official SDKs send them.
        var images = part.InputImages;
        for (int i = 0; i < images.Count; i++)
        {
            form.File(images.Count == 1 ? "image" : "image[]", images[i], images.Count == 1 ? "image" : $"image_{i}");
        }

        if (part.Mask is { } mask)
        {
            form.File("mask", mask, "mask");
        }

        return form.Content;
    }

    private static MultipartFormDataContent VariationForm(OpenAIRequestPlan plan, ImageGenerationRequest part) =>
        new MultipartForm()
            .Field("model", plan.Model.Id)
            .Field("n", part.Count)
            .Field("size", plan.Size)
            .Field("response_format", plan.ResponseFormat)
            .Field("user", plan.User)
            .Fields(ExtraFields(plan))
            .File("image", part.InputImages[0], "image")
            .Content;

    private static JsonObject? ExtraFields(OpenAIRequestPlan plan)
    {
        if (plan.ExtraMembers is { } extra)
        {
            ProviderOptionsReader.ThrowIfReserved(extra, OpenAIImageGenerator.ProviderName, OpenAIRequestPlan.ReservedMembers);
        }

        return plan.ExtraMembers;
    }
}
