using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Fal.Tests.FalTestHost;

namespace UnifiedImageGen.Fal.Tests;

// Issue 17 items for fal, each pinned to PROVIDERS.md 13.6 (fal-js queue.ts, headers.ts, endpoints.ts; fal docs).
public class FalFidelityTests
{

    // fal-js queue.ts: submit answers request_id plus URLs built on owner/app only.
    private static HttpResponseMessage Submitted(string app = "fal-ai/flux") =>
        Json($$"""{"request_id":"{{RequestId}}","response_url":"https://queue.fal.run/{{app}}/requests/{{RequestId}}","status_url":"https://queue.fal.run/{{app}}/requests/{{RequestId}}/status","cancel_url":"https://queue.fal.run/{{app}}/requests/{{RequestId}}/cancel","queue_position":0}""");

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Jpeg);
        content.Headers.ContentType = new("image/jpeg");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private const string Output = """{"images":[{"url":"https://v3.fal.media/files/rabbit/a.jpeg","width":16,"height":12,"content_type":"image/jpeg"}],"seed":42,"has_nsfw_concepts":[false]}""";

    // PROVIDERS.md 13.6: deliveries carry the bare request_id; status/result/cancel use owner/app only (fal-js queue.ts).
    [Fact]
    public async Task StartedJobId_IsTheBareRequestIdAWebhookCarries_AndResumesWithTheFullModelId()
    {
        var (generator, server, time) = Create();
        server.Then(() => Submitted()).Then(() => Json($$"""{"status":"COMPLETED","request_id":"{{RequestId}}"}""")).Then(() => Json(Output)).Then(Image);
        var job = await generator.StartAsync(new ImageGenerationRequest("a fox") { Model = FalModels.FluxDevImageToImage, Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(Jpeg)] });
        Assert.Equal(RequestId, job.Id);

        var result = await time.RunAsync(generator.WaitForCompletionAsync(job.Id));
        var requests = server.Requests.ToArray();
        Assert.Equal($"https://queue.fal.run/fal-ai/flux/requests/{RequestId}/status?logs=1", requests[1].Uri.ToString());
        Assert.Equal($"https://queue.fal.run/fal-ai/flux/requests/{RequestId}", requests[2].Uri.ToString());
        Assert.Equal((FalModels.FluxDevImageToImage, RequestId), (result.Model, result.ProviderRequestId));
    }

    [Fact]
    public async Task QualifiedJobId_ResumesFromAnotherProcess_WithTheFullModelId()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json($$"""{"status":"COMPLETED","request_id":"{{RequestId}}"}""")).Then(() => Json(Output)).Then(Image);
        var result = await time.RunAsync(generator.WaitForCompletionAsync($"fal-ai/flux-pro/v1.1/requests/{RequestId}"));
        Assert.Equal($"https://queue.fal.run/fal-ai/flux-pro/requests/{RequestId}/status?logs=1", server.Requests.First().Uri.ToString());
        Assert.Equal("fal-ai/flux-pro/v1.1", result.Model);
    }

    // fal docs (inference-api/queue/cancel): the answer is OK, CANCELLATION_REQUESTED, ALREADY_COMPLETED or NOT_FOUND.
    [Fact]
    public async Task CancelOfAFinishedRequest_AlreadyCompleted_IsNotAnError()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"status":"ALREADY_COMPLETED"}""", HttpStatusCode.BadRequest)).Then(() => Json($$"""{"status":"COMPLETED","request_id":"{{RequestId}}"}"""));
        var job = await time.RunAsync(generator.CancelJobAsync(RequestId));
        Assert.Equal(ImageJobStatus.Succeeded, job.Status);
        Assert.Equal((HttpMethod.Put, $"https://queue.fal.run/fal-ai/flux/requests/{RequestId}/cancel"), (server.Requests.First().Method, server.Requests.First().Uri.ToString()));
    }

    // PROVIDERS.md 13.6 (fal-js endpoints.ts): flux/dev/image-to-image has no image_size.
    [Fact]
    public async Task DevImageToImage_GetsNoImageSize_AndWarns()
    {
        var (generator, server, time) = Create();
        server.Then(() => Submitted()).Then(() => Json($$"""{"status":"COMPLETED","request_id":"{{RequestId}}"}""")).Then(() => Json(Output)).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = FalModels.FluxDevImageToImage, Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(Jpeg)], Size = new ImageSize(1024, 768) }));
        Assert.Contains(result.Warnings, w => w.Setting == "Size" && w.Message.Contains("no image_size", StringComparison.Ordinal));
        var body = JsonNode.Parse(server.Requests.First().Body)!.AsObject();
        Assert.False(body.ContainsKey("image_size"));
        Assert.True(body.ContainsKey("image_url"));
    }

    // PROVIDERS.md 13.6 (fal-js headers.ts): X-Fal-Request-Timeout bounds the queue wait, in seconds, more than 1.
    [Fact]
    public async Task QueueTimeout_IsSentAsXFalRequestTimeout_OnlyWhenSet()
    {
        var (generator, server, _) = Create(o => o.QueueTimeout = TimeSpan.FromMinutes(2));
        server.Then(() => Submitted()).Then(() => Submitted());
        await generator.StartAsync(new ImageGenerationRequest("x"));
        await generator.StartAsync(new ImageGenerationRequest("x").WithProviderOptions("fal", new FalRequestOptions { QueueTimeout = TimeSpan.FromSeconds(30) }));
        Assert.Equal(["120", "30"], server.Requests.Select(r => r.Header("X-Fal-Request-Timeout")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.StartAsync(new ImageGenerationRequest("x").WithProviderOptions("fal", new FalRequestOptions { QueueTimeout = TimeSpan.FromSeconds(1) })));
        Assert.Equal(2, server.Count);
    }
}
