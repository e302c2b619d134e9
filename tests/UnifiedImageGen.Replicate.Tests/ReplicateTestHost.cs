using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Replicate.Tests;

internal static class ReplicateTestHost
{
    public const string Token = "r8_TESTTOKEN0123456789abcdefghijkl";

    public static readonly byte[] Png = PngEncoder.Encode(new byte[32 * 24 * 4], 32, 24);

    /// <param name="configure">Changes to the options.</param>
    /// <param name="resilience">Puts the SDK's resilience handler (retries) between the generator and the script.</param>
    public static (ReplicateImageGenerator Generator, ScriptedHandler Server, ManualTimeProvider Time) Create(Action<ReplicateImageGeneratorOptions>? configure = null, bool resilience = false)
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var options = new ReplicateImageGeneratorOptions { ApiKey = Token };
        configure?.Invoke(options);
        var http = resilience
            ? new HttpClient(new Resilience.ImageGenerationResilienceHandler("replicate", new Resilience.ImageGenerationResilienceOptions(), time) { InnerHandler = server })
            : new HttpClient(server);
        return (new ReplicateImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "replicate"), time, owned: false), server, time);
    }

    public static HttpResponseMessage Prediction(string status, string? output = null, string? error = null, string? logs = null, string id = "ufawqhfynnddngldkgtslldrkq", HttpStatusCode code = HttpStatusCode.OK, string model = "black-forest-labs/flux-schnell")
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["model"] = model,
            ["version"] = "hidden",
            ["status"] = status,
            ["input"] = new JsonObject { ["prompt"] = "a fox" },
            ["logs"] = logs ?? "",
            ["output"] = output is null ? null : JsonNode.Parse(output),
            ["error"] = error,
            ["created_at"] = "2026-11-22T10:00:00.000Z",
            ["metrics"] = status == "succeeded" ? new JsonObject { ["predict_time"] = 0.61, ["total_time"] = 1.2 } : new JsonObject(),
            ["urls"] = new JsonObject
            {
                ["get"] = $"https://api.replicate.com/v1/predictions/{id}",
                ["cancel"] = $"https://api.replicate.com/v1/predictions/{id}/cancel",
                ["web"] = $"https://replicate.com/p/{id}",
            },
        };
        return new HttpResponseMessage(code) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    public static HttpResponseMessage Problem(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/problem+json") };

    public static HttpResponseMessage Image(byte[] data, string type = "image/webp")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new(type);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    public static JsonObject Body(RecordedRequest request) => JsonNode.Parse(request.Body)!.AsObject();

    public static void AssertJson(string expected, RecordedRequest request) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(request.Body)), $"Expected {expected}\nbut the request body was {request.BodyText}");
}
