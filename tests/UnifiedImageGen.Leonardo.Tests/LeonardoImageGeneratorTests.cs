using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Leonardo.Tests.LeonardoTestHost;

namespace UnifiedImageGen.Leonardo.Tests;

public class LeonardoImageGeneratorTests
{
    private const string Model = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3";
    private static readonly byte[] Png = PngEncoder.Encode(new byte[16 * 16 * 4], 16, 16);

    private static HttpResponseMessage Created() => Json($$$"""{"sdGenerationJob":{"generationId":"{{{Id}}}","apiCreditCost":24}}""");

    private static string Generation(string status) => $$"""{"id":"{{Id}}","status":"{{status}}","modelId":"{{Model}}","imageWidth":1024,"imageHeight":768,"seed":777,"prompt":"a fox","generated_images":{{(status == "COMPLETE" ? """[{"id":"i1","url":"https://cdn.leonardo.ai/users/u/generations/g/a.jpg","nsfw":false,"likeCount":0},{"id":"i2","url":"https://cdn.leonardo.ai/users/u/generations/g/b.jpg","nsfw":true,"likeCount":0}]""" : "[]")}}}""";

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/jpeg");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task CreatesThenPolls_DownloadsAtOnce_AndMapsNsfwAndCredits()
    {
        var (generator, server, time) = Create(o => o.UsdPerCredit = 0.001m);
        server.Then(Created).Then(() => Json($"{{\"generations_by_pk\":{Generation("PENDING")}}}")).Then(() => Json($"{{\"generations_by_pk\":{Generation("COMPLETE")}}}")).Then(Image).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = Model, Count = 2, Size = new ImageSize(1024, 768), Seed = 777, NegativePrompt = "blur" }
            .WithProviderOptions("leonardo", new LeonardoRequestOptions { PresetStyle = "CINEMATIC", Alchemy = true })));

        var create = server.Requests.First();
        Assert.Equal((HttpMethod.Post, "https://cloud.leonardo.ai/api/rest/v1/generations", $"Bearer {Key}"), (create.Method, create.Uri.ToString(), create.Header("Authorization")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"prompt":"a fox","num_images":2,"public":false,"modelId":"{{Model}}","width":1024,"height":768,"negative_prompt":"blur","seed":777,"presetStyle":"CINEMATIC","alchemy":true}"""), JsonNode.Parse(create.Body)), create.BodyText);
        Assert.All(server.Requests.Skip(1).Take(2), r => Assert.Equal($"https://cloud.leonardo.ai/api/rest/v1/generations/{Id}", r.Uri.ToString()));
        Assert.Equal([false, true], result.Images.Select(i => i.ContentFlagged!.Value));
        Assert.Equal((24d, 0.024m), (result.Usage!.Credits!.Value, result.Cost!.ReportedUsd!.Value));
        Assert.Equal((777L, Model), (result.Images[0].Seed!.Value, result.Model));
    }

    [Fact]
    public async Task FailedGeneration_AndErrors_AreTyped()
    {
        var (generator, server, time) = Create();
        server.Then(Created).Then(() => Json($"{{\"generations_by_pk\":{Generation("FAILED")}}}"));
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, (await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")))).Kind);

        server.Then(() => Json("""{"error":"You do not have enough API tokens","path":"$","code":"unexpected"}""", HttpStatusCode.PaymentRequired));
        Assert.Equal(ImageGenerationErrorKind.InsufficientCredits, (await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")))).Kind);
        Assert.Equal(LeonardoModels.LucidOrigin, (string?)JsonNode.Parse(server.Requests.First().Body)!["modelId"]);
    }

    [Fact]
    public void WebhookReceiver_ChecksTheBearerTokenInConstantTime_AndParsesTheDelivery()
    {
        var receiver = new LeonardoWebhookReceiver("callback-secret-42");
        string body = $$$$"""{"type":"image_generation.complete","object":"generation","timestamp":1764000000000,"api_version":"v1","data":{"object":{"id":"{{{{Id}}}}","modelId":"{{{{Model}}}}","images":[{"id":"i1","url":"https://cdn.leonardo.ai/a.jpg","nsfw":false}],"apiDollarCost":"0.02"}}}""";
        var job = receiver.VerifyAndParse(Encoding.UTF8.GetBytes(body), WebhookHeaders.From([new("Authorization", "Bearer callback-secret-42")]));
        Assert.Equal((Id, ImageJobStatus.Succeeded), (job.Id, job.Status));
        Assert.Equal("https://cdn.leonardo.ai/a.jpg", Assert.Single(job.OutputUris).ToString());
        Assert.Throws<WebhookVerificationException>(() => receiver.VerifyAndParse(Encoding.UTF8.GetBytes(body), WebhookHeaders.From([new("Authorization", "Bearer callback-secret-43")])));
        Assert.Throws<WebhookVerificationException>(() => receiver.VerifyAndParse(Encoding.UTF8.GetBytes(body), new WebhookHeaders(_ => null)));
    }
}

public class LeonardoLiveTests
{
    [LiveFact("LEONARDO_API_KEY")]
    public async Task Live_DefaultModel()
    {
        using var generator = new LeonardoImageGenerator(Environment.GetEnvironmentVariable("LEONARDO_API_KEY")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Size = new ImageSize(512, 512) });
        Assert.True(result.Image.Data.Length > 1000);
    }
}
