using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Fal.Tests.FalTestHost;

namespace UnifiedImageGen.Fal.Tests;

public class FalImageGeneratorTests
{
    private const string ResponseUrl = "https://queue.fal.run/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b";

    private static HttpResponseMessage Submitted(int position = 2) => Json($$"""{"request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","response_url":"{{ResponseUrl}}","status_url":"{{ResponseUrl}}/status","cancel_url":"{{ResponseUrl}}/cancel","queue_position":{{position}}}""");

    private static HttpResponseMessage Status(string status, string extra = "") => Json($$"""{"status":"{{status}}","request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","response_url":"{{ResponseUrl}}"{{extra}}}""");

    private const string Output = """{"images":[{"url":"https://v3.fal.media/files/rabbit/a.jpeg","width":16,"height":12,"content_type":"image/jpeg"},{"url":"https://v3.fal.media/files/rabbit/b.jpeg","width":16,"height":12,"content_type":"image/jpeg"}],"timings":{"inference":1.25},"seed":42,"has_nsfw_concepts":[false,true],"prompt":"a fox"}""";

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Jpeg);
        content.Headers.ContentType = new("image/jpeg");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task Queue_SubmitsPollsWithLogsFetchesTheReturnedUrls_AndDownloads()
    {
        var (generator, server, time) = Create();
        server.Then(() => Submitted()).Then(() => Status("IN_QUEUE", ",\"queue_position\":1")).Then(() => Status("IN_PROGRESS", ",\"logs\":[{\"message\":\"step 10/28\",\"level\":\"INFO\"}]"))
            .Then(() => Status("COMPLETED", ",\"metrics\":{\"inference_time\":1.25}")).Then(() => Json(Output)).Then(Image).Then(Image);
        var request = new ImageGenerationRequest("a fox") { AspectRatio = new AspectRatio(16, 9), Count = 2, Seed = 42, Steps = 28, GuidanceScale = 3.5, OutputFormat = ImageFormat.Jpeg }
            .WithProviderOptions("fal", new FalRequestOptions { EnableSafetyChecker = false, QueuePriority = "low" });

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var requests = server.Requests.ToArray();
        Assert.Equal((HttpMethod.Post, "https://queue.fal.run/fal-ai/flux/dev"), (requests[0].Method, requests[0].Uri.ToString()));
        Assert.Equal($"Key {Key}", requests[0].Header("Authorization"));
        Assert.Null(requests[0].Header("X-Fal-Request-Timeout")); // PROVIDERS.md 13.6: a queue-wait bound, sent only when asked for
        Assert.Equal("low", requests[0].Header("X-Fal-Queue-Priority"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"prompt":"a fox","image_size":"landscape_16_9","num_images":2,"seed":42,"num_inference_steps":28,"guidance_scale":3.5,"output_format":"jpeg","enable_safety_checker":false}"""), JsonNode.Parse(requests[0].Body)), requests[0].BodyText);
        Assert.All(requests[1..4], r => Assert.Equal(ResponseUrl + "/status?logs=1", r.Uri.ToString()));
        Assert.Equal((HttpMethod.Get, ResponseUrl), (requests[4].Method, requests[4].Uri.ToString()));
        Assert.Equal(2, result.Images.Count);
        Assert.Equal([false, true], result.Images.Select(i => i.ContentFlagged!.Value));
        Assert.Equal((1.25, RequestId, "fal-ai/flux/dev"), (result.Usage!.ComputeSeconds!.Value, result.ProviderRequestId, result.Model));
    }

    [Fact]
    public async Task Watch_ReportsQueuePositionLogsAndProgress_ThenTheResult()
    {
        var (generator, server, time) = Create();
        server.Then(() => Status("IN_QUEUE", ",\"queue_position\":3")).Then(() => Status("IN_QUEUE", ",\"queue_position\":1"))
            .Then(() => Status("IN_PROGRESS", ",\"logs\":[{\"message\":\"step 14/28\",\"level\":\"INFO\"}]")).Then(() => Status("COMPLETED"))
            .Then(() => Json(Output)).Then(Image).Then(Image);
        var updates = new List<ImageGenerationUpdate>();
        await time.RunAsync(Collect(generator.WatchAsync(ResponseUrl), updates));
        Assert.Equal([ImageGenerationUpdateKind.Queued, ImageGenerationUpdateKind.Queued, ImageGenerationUpdateKind.Progress, ImageGenerationUpdateKind.Completed], updates.Select(u => u.Kind));
        Assert.Equal([3, 1], updates.Take(2).Select(u => u.QueuePosition!.Value));
        Assert.Equal(0.5, updates[2].Progress);
        Assert.Equal(["step 14/28"], updates[2].Logs);
        Assert.Equal("fal-ai/flux", updates[3].Result!.Model);
    }

    private static async Task Collect(IAsyncEnumerable<ImageGenerationUpdate> updates, List<ImageGenerationUpdate> into)
    {
        await foreach (var update in updates)
        {
            into.Add(update);
        }
    }

    [Fact]
    public async Task JobIds_OnAnotherHost_AreRefusedSoTheKeyNeverLeaves()
    {
        var (generator, server, _) = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GetJobAsync("https://evil.example.com/fal-ai/flux/requests/1"));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GetJobAsync("../../evil?x=1"));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GetJobAsync("//evil.example.com/x/requests/1"));
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task CallerCancelling_CancelsTheRequestAtFal()
    {
        var (generator, server, time) = Create();
        server.Then(() => Submitted()).Then(() => Status("IN_QUEUE", ",\"queue_position\":5"));
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(new ImageGenerationRequest("x"), cts.Token);
        await time.AdvanceUntilAsync(() => server.Count >= 2);

        server.Then(() => Json("{}", HttpStatusCode.Accepted)).Then(() => Status("CANCELLED"));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Contains(server.Requests, r => r.Method == HttpMethod.Put && r.Uri.ToString() == ResponseUrl + "/cancel");
    }

    [Fact]
    public async Task Webhook_GoesAsAQueryParameter()
    {
        var (generator, server, _) = Create(o => o.WebhookUrl = new Uri("https://example.com/hooks/fal?tenant=7"));
        server.Then(() => Submitted());
        var job = await generator.StartAsync(new ImageGenerationRequest("x"));
        Assert.Equal("https://queue.fal.run/fal-ai/flux/dev?fal_webhook=https%3A%2F%2Fexample.com%2Fhooks%2Ffal%3Ftenant%3D7", server.Requests.Single().Uri.AbsoluteUri);
        Assert.Equal((RequestId, 2), (job.Id, job.QueuePosition!.Value));
    }

    [Fact]
    public async Task SyncMode_PostsToFalRun_AndReturnsWithoutPolling()
    {
        var (generator, server, time) = Create(o => o.UseQueue = false);
        server.Then(() => Json(Output)).Then(Image).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = FalModels.FluxSchnell, Size = new ImageSize(1000, 600), Count = 2 }));
        Assert.Equal("https://fal.run/fal-ai/flux/schnell", server.Requests.First().Uri.ToString());
        Assert.Equal("""{"width":1000,"height":600}""", JsonNode.Parse(server.Requests.First().Body)!["image_size"]!.ToJsonString());
        Assert.Equal(2, result.Images.Count);
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task FluxLora_SendsEveryLora_AndOtherEndpointsTakeJsonInputs()
    {
        var (generator, server, time) = Create(o => o.UseQueue = false);
        server.Then(() => Json(Output)).Then(Image).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = FalModels.FluxLora, Loras = [new LoraWeight("https://hf.co/a.safetensors", 0.7), new LoraWeight("owner/repo", 1.2)] }));
        Assert.Equal("""[{"path":"https://hf.co/a.safetensors","scale":0.7},{"path":"owner/repo","scale":1.2}]""", JsonNode.Parse(server.Requests.First().Body)!["loras"]!.ToJsonString());

        server.Then(() => Json(Output)).Then(Image).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "fal-ai/recraft-v3", Seed = 1 }.WithProviderOptions("fal", new JsonObject { ["style"] = "digital_illustration" })));
        Assert.Equal("""{"prompt":"x","style":"digital_illustration"}""", server.Requests.ElementAt(3).BodyText);
        Assert.Equal("Seed", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public async Task ValidationErrors_NameTheField()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"detail":[{"loc":["body","num_images"],"msg":"ensure this value is less than or equal to 4","type":"value_error.number.not_le","ctx":{"limit_value":4}}]}""", HttpStatusCode.UnprocessableEntity));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.StartAsync(new ImageGenerationRequest("x"))));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("body.num_images: ensure this value is less than or equal to 4", ex.Message);
        Assert.Equal("value_error.number.not_le", ex.ProviderErrorCode);
    }

    [Fact]
    public async Task ExhaustedBalance_IsInsufficientCredits_AndFailedRequestsMapTheirError()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"detail":"User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."}""", HttpStatusCode.Forbidden));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.InsufficientCredits, ex.Kind);

        var (failing, failingServer, failingTime) = Create();
        failingServer.Then(() => Submitted()).Then(() => Status("COMPLETED", ",\"error\":\"Image contained NSFW content\",\"error_type\":\"content_policy_violation\""));
        var failed = await Assert.ThrowsAsync<ImageGenerationException>(() => failingTime.RunAsync(failing.GenerateAsync("x")));
        Assert.Equal((ImageGenerationErrorKind.ContentPolicy, "content_policy_violation"), (failed.Kind, failed.ProviderErrorCode));
    }
}
