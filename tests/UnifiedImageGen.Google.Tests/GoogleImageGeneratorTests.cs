using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Google.Tests;

public class GoogleImageGeneratorTests
{
    private const string Key = "AIzaSyTESTKEY0123456789abcdefghijklmnop";
    private static readonly byte[] Png = PngEncoder.Encode(new byte[40 * 30 * 4], 40, 30);
    private static readonly string B64 = Convert.ToBase64String(Png);

    private static (GoogleImageGenerator, ScriptedHandler) Create(Action<GoogleImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var options = new GoogleImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        return (new GoogleImageGenerator(new HttpClient(server), options, null, owned: false), server);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static string GeminiAnswer(string finish = "STOP", bool withImage = true) => $$"""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"Here is a red fox in the snow."}{{(withImage ? $",{{\"inlineData\":{{\"mimeType\":\"image/png\",\"data\":\"{B64}\"}}}}" : "")}}]},"finishReason":"{{finish}}","index":0}],
         "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1290,"totalTokenCount":1302},"modelVersion":"gemini-3.1-flash-image"}
        """;

    [Fact]
    public async Task Gemini_SendsGenerateContentWithImageOutput_AndDecodesTheInlineImage()
    {
        var (generator, server) = Create();
        server.Then(() => Json(GeminiAnswer()));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a red fox in snow") { AspectRatio = new AspectRatio(16, 9) });

        var sent = server.Requests.Single();
        // PROVIDERS.md 13.1: gemini-2.5-flash-image is shut down; gemini-3.1-flash-image replaces it.
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-3.1-flash-image:generateContent", sent.Uri.ToString());
        Assert.Equal(Key, sent.Header("x-goog-api-key"));
        Assert.DoesNotContain("key=", sent.Uri.Query);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"contents":[{"role":"user","parts":[{"text":"a red fox in snow"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":{"aspectRatio":"16:9"}}}"""), JsonNode.Parse(sent.Body)), sent.BodyText);
        Assert.Equal(Png, result.Image.Data.ToArray());
        Assert.Equal((40, 30), (result.Image.Width!.Value, result.Image.Height!.Value));
        Assert.Equal((12L, 1290L), (result.Usage!.InputTokens!.Value, result.Usage.OutputTokens!.Value));
        Assert.Equal("Here is a red fox in the snow.", result.RawRepresentation);
        // Gemini API pricing page (as quoted 2026-04-04): 3.1 Flash Image at its default 1K is $0.067 an image.
        Assert.Equal(0.067m, result.Cost!.EstimatedUsd);
    }

    [Fact]
    public async Task Gemini_EditsSendInputImagesAsInlineData_AndGemini3GetsAnImageSize()
    {
        var (generator, server) = Create();
        server.Then(() => Json(GeminiAnswer()));
        await generator.GenerateAsync(new ImageGenerationRequest("make it night") { Model = GoogleModels.Gemini3ProImage, Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(Png)], Size = new ImageSize(2048, 2048) });
        var body = JsonNode.Parse(server.Requests.Single().Body)!;
        Assert.Equal(("image/png", B64), (body["contents"]![0]!["parts"]![1]!["inlineData"]!["mimeType"]!.GetValue<string>(), body["contents"]![0]!["parts"]![1]!["inlineData"]!["data"]!.GetValue<string>()));
        Assert.Equal("2K", body["generationConfig"]!["imageConfig"]!["imageSize"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gemini_SafetyStops_AndBlockedPrompts_AreContentPolicy()
    {
        var (generator, server) = Create();
        server.Then(() => Json(GeminiAnswer("IMAGE_SAFETY", withImage: false)));
        var withheld = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal((ImageGenerationErrorKind.ContentPolicy, "IMAGE_SAFETY"), (withheld.Kind, withheld.ProviderErrorCode));

        server.Then(() => Json("""{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":9}}"""));
        var blocked = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, blocked.Kind);
    }

    [Fact]
    public async Task ImagenOnTheGeminiApi_IsRefusedWithoutTheFlag_AndUsesPredictWithIt()
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-generate-001" }));
        Assert.Equal(ImageGenerationErrorKind.ModelNotFound, ex.Kind);
        Assert.Equal(0, server.Count);

        var (flagged, flaggedServer) = Create(o => o.AllowGeminiApiImagen = true);
        flaggedServer.Then(() => Json($$"""{"predictions":[{"bytesBase64Encoded":"{{B64}}","mimeType":"image/png"}]}"""));
        var result = await flagged.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-generate-001", Seed = 3 });
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/imagen-4.0-generate-001:predict", flaggedServer.Requests.Single().Uri.ToString());
        Assert.Null(JsonNode.Parse(flaggedServer.Requests.Single().Body)!["parameters"]!["seed"]);
        Assert.Contains(result.Warnings, w => w.Setting == "Seed");
        Assert.Contains(result.Warnings, w => w.Setting == "Model" && w.Message.Contains("shut down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImagenOnVertex_UsesTheBearerTokenAndVertexFields_AndMapsTheEnhancedPrompt()
    {
        var (generator, server) = Create(o =>
        {
            o.ApiKey = null;
            o.VertexProject = "acme-images";
            o.VertexLocation = "us-central1";
            o.AccessTokenProvider = _ => ValueTask.FromResult("ya29.test-token");
        });
        server.Then(() => Json($$"""{"predictions":[{"bytesBase64Encoded":"{{B64}}","mimeType":"image/png","prompt":"A photorealistic red fox standing in fresh snow."},{"bytesBase64Encoded":"{{B64}}","mimeType":"image/png","prompt":"A photorealistic red fox standing in fresh snow."}]}"""));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = "imagen-4.0-generate-001", Count = 2, Seed = 7, AspectRatio = new AspectRatio(4, 3) }
            .WithProviderOptions("google", new GoogleRequestOptions { AddWatermark = false, EnhancePrompt = true, PersonGeneration = "allow_adult" }));

        // PROVIDERS.md 6.4 (Vertex: regional host, OAuth bearer, :predict) and 13.4 (a regional location for Imagen;
        // no negativePrompt for imagen-4.0, so the request above no longer sends one).
        var sent = server.Requests.Single();
        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/acme-images/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict", sent.Uri.ToString());
        Assert.Equal("Bearer ya29.test-token", sent.Header("Authorization"));
        Assert.Null(sent.Header("x-goog-api-key"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"instances":[{"prompt":"a fox"}],"parameters":{"sampleCount":2,"includeRaiReason":true,"aspectRatio":"4:3","seed":7,"personGeneration":"allow_adult","addWatermark":false,"enhancePrompt":true}}"""), JsonNode.Parse(sent.Body)), sent.BodyText);
        Assert.All(result.Images, i => Assert.Equal("A photorealistic red fox standing in fresh snow.", i.RevisedPrompt));
    }

    [Fact]
    public async Task FilteredImagen_KeepsSurvivorsAndMarksMissingSlots_OrRefusesWhenNoneSurvive()
    {
        var (generator, server) = Create(o => o.AllowGeminiApiImagen = true);
        server.Then(() => Json($$"""{"predictions":[{"bytesBase64Encoded":"{{B64}}","mimeType":"image/png"},{"raiFilteredReason":"Your current safety filter threshold filtered out 2 generated images."}]}"""));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-fast-generate-001", Count = 3 });
        Assert.Single(result.Images, i => i.IsSuccess);
        Assert.Equal(2, result.Images.Count(i => i.Error?.Kind == ImageGenerationErrorKind.ContentPolicy && i.ContentFlagged == true));

        server.Then(() => Json("""{"predictions":[{"raiFilteredReason":"Filtered for safety."}]}"""));
        var none = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-fast-generate-001" }));
        Assert.Contains("filtered every image: Filtered for safety.", none.Message);
        server.Then(() => Json("{}"));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, (await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-fast-generate-001" }))).Kind);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, """{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}""", ImageGenerationErrorKind.RateLimited, "RESOURCE_EXHAUSTED")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}""", ImageGenerationErrorKind.Authentication, "INVALID_ARGUMENT")]
    [InlineData(HttpStatusCode.Forbidden, """{"error":{"code":403,"message":"Permission denied: billing is not enabled.","status":"PERMISSION_DENIED"}}""", ImageGenerationErrorKind.PermissionDenied, "PERMISSION_DENIED")]
    [InlineData(HttpStatusCode.NotFound, """{"error":{"code":404,"message":"models/imagen-3.0-generate-002 is not found for API version v1beta.","status":"NOT_FOUND"}}""", ImageGenerationErrorKind.ModelNotFound, "NOT_FOUND")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT"}}""", ImageGenerationErrorKind.InvalidRequest, "INVALID_ARGUMENT")]
    public async Task GoogleErrorEnvelope_IsMapped(HttpStatusCode status, string body, ImageGenerationErrorKind kind, string code)
    {
        var (generator, server) = Create();
        server.Then(() => Json(body, status));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal((kind, code), (ex.Kind, ex.ProviderErrorCode));
        Assert.DoesNotContain(Key, ex.ToString());
        if (status == HttpStatusCode.TooManyRequests)
        {
            Assert.Equal(TimeSpan.FromSeconds(37), ex.RetryAfter);
        }
    }

    [Fact]
    public void Vertex_WithoutATokenProvider_IsAnOptionsError() =>
        Assert.Contains("AccessTokenProvider is required", Assert.Throws<ArgumentException>(() => new GoogleImageGenerator(new HttpClient(), new GoogleImageGeneratorOptions { VertexProject = "p" })).Message);
}

public class GoogleLiveTests
{
    [LiveFact("GEMINI_API_KEY")]
    public async Task Live_GeminiFlashImage()
    {
        using var generator = new GoogleImageGenerator(Environment.GetEnvironmentVariable("GEMINI_API_KEY")!);
        var result = await generator.GenerateAsync("a small red circle on white");
        Assert.True(result.Image.Data.Length > 1000);
    }
}
