using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.OpenAI.Tests;

/// <summary>
/// Recorded OpenAI bodies, with a real PNG put where the recording has a placeholder. Their shape is the spec's
/// <c>ImagesResponse</c> (../shared/specs/openai-openapi.yaml, <c>components.schemas.ImagesResponse</c>, answer of
/// <c>POST /images/generations</c>); <c>x-request-id</c> is the request id header of the OpenAI API reference ("Debugging requests").
/// </summary>
internal static class Recordings
{
    public const string ApiKey = "sk-proj-TESTKEY0123456789abcdefghijklmnopqrstuvwxyz";

    public static readonly byte[] Png = PngEncoder.Encode(Pixels(64, 48), 64, 48);
    public static readonly byte[] SmallPng = PngEncoder.Encode(Pixels(16, 12), 16, 12);

    public static string Text(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recordings", name))
            .Replace("{{PNG}}", Convert.ToBase64String(Png), StringComparison.Ordinal)
            .Replace("{{PNG_SMALL}}", Convert.ToBase64String(SmallPng), StringComparison.Ordinal);

    public static HttpResponseMessage Json(string name, HttpStatusCode status = HttpStatusCode.OK, string requestId = "req_abc123")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(Text(name), Encoding.UTF8, "application/json") };
        response.Headers.TryAddWithoutValidation("x-request-id", requestId);
        return response;
    }

    public static HttpResponseMessage ImageFile(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new("image/png");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    public static JsonObject Body(RecordedRequest request) => JsonNode.Parse(request.Body)!.AsObject();

    public static void AssertJson(string expected, RecordedRequest request) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(request.Body)), $"Expected {expected}\nbut the request body was {request.BodyText}");

    public static (OpenAIImageGenerator Generator, ScriptedHandler Server) Create(Action<OpenAIImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var options = new OpenAIImageGeneratorOptions { ApiKey = ApiKey };
        configure?.Invoke(options);
        return (Over(server, options), server);
    }

    /// <summary>A generator whose API calls and result downloads both go to <paramref name="server"/> (the public constructors download through a guarded client of their own).</summary>
    public static OpenAIImageGenerator Over(ScriptedHandler server, OpenAIImageGeneratorOptions options)
    {
        var http = new HttpClient(server);
        return new OpenAIImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "openai"), TimeProvider.System, []);
    }

    private static byte[] Pixels(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7);
        }

        return pixels;
    }
}
