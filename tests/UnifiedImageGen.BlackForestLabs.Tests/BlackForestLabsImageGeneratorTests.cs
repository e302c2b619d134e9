using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.BlackForestLabs.Tests;

public class BlackForestLabsImageGeneratorTests
{
    private const string Key = "bfl-key-0123456789abcdef";
    private const string PollingUrl = "https://api.us1.bfl.ai/v1/get_result?id=e8a7f3c2-1b4d-4e5f-9a6b-7c8d9e0f1a2b";
    private const string Sample = "https://delivery-us1.bfl.ai/results/ab/cd/sample.jpeg?se=2026-11-22T12%3A10%3A00Z&sig=abc";
    private static readonly byte[] Jpeg = PngEncoder.Encode(new byte[32 * 24 * 4], 32, 24);

    private static (BlackForestLabsImageGenerator, ScriptedHandler, ManualTimeProvider) Create(Action<BlackForestLabsImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var options = new BlackForestLabsImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        var http = new HttpClient(server);
        return (new BlackForestLabsImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "bfl"), time, owned: false), server, time);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Submitted() => Json($$"""{"id":"e8a7f3c2-1b4d-4e5f-9a6b-7c8d9e0f1a2b","polling_url":"{{PollingUrl}}","cost":4.0,"input_mp":0.0,"output_mp":0.79}""");

    private static HttpResponseMessage Status(string status, string extra = "") => Json($$"""{"id":"e8a7f3c2-1b4d-4e5f-9a6b-7c8d9e0f1a2b","status":"{{status}}","result":null,"progress":null,"details":null,"preview":null{{extra}}}""");

    private static HttpResponseMessage Ready() => Json($$"""{"id":"e8a7f3c2-1b4d-4e5f-9a6b-7c8d9e0f1a2b","status":"Ready","result":{"sample":"{{Sample}}","prompt":"a fox","seed":1234,"start_time":1764000000.1,"end_time":1764000004.2,"duration":4.1},"progress":null,"details":null,"preview":null}""");

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Jpeg);
        content.Headers.ContentType = new("image/jpeg");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task FluxPro11_SubmitsWithXKey_PollsTheReturnedUrl_AndDownloadsTheSampleAtOnce()
    {
        var (generator, server, time) = Create();
        string preview = "data:image/jpeg;base64," + Convert.ToBase64String(Jpeg);
        server.Then(Submitted).Then(() => Status("Pending", $",\"progress\":0.4,\"preview\":{{\"sample\":\"{preview}\"}}".Replace(",\"progress\":null", "", StringComparison.Ordinal).Replace(",\"preview\":null", "", StringComparison.Ordinal))).Then(Ready).Then(Image);
        var request = new ImageGenerationRequest("a fox") { Size = new ImageSize(1024, 768), Seed = 1234, OutputFormat = ImageFormat.Png }
            .WithProviderOptions("bfl", new BlackForestLabsRequestOptions { SafetyTolerance = 9, PromptUpsampling = true });

        var updates = new List<ImageGenerationUpdate>();
        var job = await generator.StartAsync(request);
        await time.RunAsync(Collect(generator.WatchAsync(job.Id), updates));

        var requests = server.Requests.ToArray();
        Assert.Equal((HttpMethod.Post, "https://api.bfl.ai/v1/flux-pro-1.1", Key), (requests[0].Method, requests[0].Uri.ToString(), requests[0].Header("x-key")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"prompt":"a fox","seed":1234,"output_format":"png","safety_tolerance":6,"prompt_upsampling":true,"width":1024,"height":768}"""), JsonNode.Parse(requests[0].Body)), requests[0].BodyText);
        Assert.Equal(PollingUrl, job.Id);
        Assert.All(requests[1..3], r => Assert.Equal((HttpMethod.Get, PollingUrl, Key), (r.Method, r.Uri.ToString(), r.Header("x-key"))));
        Assert.Equal(Sample, requests[3].Uri.ToString());
        Assert.Null(requests[3].Header("x-key"));
        Assert.Equal([ImageGenerationUpdateKind.PartialImage, ImageGenerationUpdateKind.Progress, ImageGenerationUpdateKind.Completed], updates.Select(u => u.Kind));
        Assert.Equal(0.4, updates[1].Progress);
        Assert.Equal(1234L, updates[2].Result!.Image.Seed);
    }

    private static async Task Collect(IAsyncEnumerable<ImageGenerationUpdate> updates, List<ImageGenerationUpdate> into)
    {
        await foreach (var update in updates)
        {
            into.Add(update);
        }
    }

    [Fact]
    public async Task GenerateAsync_UsesTheSubmitCostAsTheReportedCost()
    {
        var (generator, server, time) = Create();
        server.Then(Submitted).Then(() => Status("Pending")).Then(Ready).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync("a fox"));
        Assert.Equal((0.04m, 4d), (result.Cost!.ReportedUsd!.Value, result.Usage!.Credits!.Value));
        Assert.Equal(Jpeg, result.Image.Data.ToArray());
        Assert.Contains(TimeSpan.FromMilliseconds(500), time.RequestedDelays);
    }

    [Theory]
    [InlineData("Request Moderated", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData("Content Moderated", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData("Error", ImageGenerationErrorKind.ProviderUnavailable)]
    [InlineData("Task not found", ImageGenerationErrorKind.ModelNotFound)]
    public async Task TerminalFailures_MapToKinds(string status, ImageGenerationErrorKind kind)
    {
        var (generator, server, time) = Create();
        server.Then(Submitted).Then(() => Status(status, ",\"details\":{\"Moderation Reasons\":[\"Derivative Works Filter\"]}".Replace(",\"details\":null", "", StringComparison.Ordinal)));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((kind, status), (ex.Kind, ex.ProviderErrorCode));
    }

    [Fact]
    public async Task Flux2_SendsUpToEightReferenceImages_AndFillExpandAndUltraTheirOwnFields()
    {
        var (generator, server, time) = Create();
        var image = ImageInput.FromBytes(Jpeg);
        server.Then(Submitted);
        await generator.StartAsync(new ImageGenerationRequest("combine") { Model = "flux-2-pro", Operation = ImageOperation.ImageToImage, InputImages = [image, image, ImageInput.FromUri(new Uri("https://cdn.example.com/ref.png"))] });
        var flux2 = JsonNode.Parse(server.Requests.Last().Body)!;
        Assert.Equal(Convert.ToBase64String(Jpeg), flux2["input_image"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/ref.png", flux2["input_image_3"]!.GetValue<string>());
        Assert.EndsWith("/v1/flux-2-pro", server.Requests.Last().Uri.AbsolutePath);

        await generator.StartAsync(new ImageGenerationRequest("hat") { Model = "flux-pro-1.0-fill", Operation = ImageOperation.Inpaint, InputImages = [image], Mask = image, Steps = 5, GuidanceScale = 30 });
        var fill = JsonNode.Parse(server.Requests.Last().Body)!;
        Assert.Equal((15, 30d), (fill["steps"]!.GetValue<int>(), fill["guidance"]!.GetValue<double>()));
        Assert.NotNull(fill["mask"]);

        await generator.StartAsync(new ImageGenerationRequest("more sky") { Model = "flux-pro-1.0-expand", Operation = ImageOperation.Outpaint, InputImages = [image], Size = new ImageSize(32, 64) });
        var expand = JsonNode.Parse(server.Requests.Last().Body)!;
        Assert.Equal((20, 20, 0, 0), (expand["top"]!.GetValue<int>(), expand["bottom"]!.GetValue<int>(), expand["left"]!.GetValue<int>(), expand["right"]!.GetValue<int>()));

        await generator.StartAsync(new ImageGenerationRequest("wide") { Model = "flux-pro-1.1-ultra", Size = new ImageSize(1920, 1080) }.WithProviderOptions("bfl", new BlackForestLabsRequestOptions { Raw = true }));
        var ultra = JsonNode.Parse(server.Requests.Last().Body)!;
        Assert.Equal(("16:9", true), (ultra["aspect_ratio"]!.GetValue<string>(), ultra["raw"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task ForeignPollingUrls_AreRefused_AndAPersistedIdResumes()
    {
        var (generator, server, time) = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GetJobAsync("https://evil.example.com/v1/get_result?id=1"));
        server.Then(Ready).Then(Image);
        var result = await time.RunAsync(generator.WaitForCompletionAsync(PollingUrl));
        Assert.Equal(Jpeg, result.Image.Data.ToArray());
        Assert.Equal(PollingUrl, server.Requests.First().Uri.ToString());
    }

    [Theory]
    [InlineData(HttpStatusCode.PaymentRequired, """{"detail":"Insufficient credits"}""", ImageGenerationErrorKind.InsufficientCredits)]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"detail":[{"loc":["body","width"],"msg":"Input should be less than or equal to 1440","type":"less_than_equal"}]}""", ImageGenerationErrorKind.InvalidRequest)]
    [InlineData(HttpStatusCode.TooManyRequests, """{"detail":"You have exceeded the number of active tasks (24)."}""", ImageGenerationErrorKind.RateLimited)]
    [InlineData(HttpStatusCode.Forbidden, """{"detail":"Not authenticated - Invalid Authentication"}""", ImageGenerationErrorKind.Authentication)]
    public async Task SubmitErrors_MapToKinds(HttpStatusCode status, string body, ImageGenerationErrorKind kind)
    {
        var (generator, server, time) = Create();
        server.Then(() => Json(body, status));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(kind, ex.Kind);
        if (status == HttpStatusCode.UnprocessableEntity)
        {
            Assert.Contains("body.width: Input should be less than or equal to 1440", ex.Message);
        }
    }

    [Fact]
    public async Task ExpiredSample_FailsClearly()
    {
        var (generator, server, time) = Create();
        server.Then(Submitted).Then(Ready).Then(() => new HttpResponseMessage(HttpStatusCode.Forbidden));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Contains("expired or is gone", ex.Message);
    }
}

public class BlackForestLabsLiveTests
{
    [LiveFact("BFL_API_KEY")]
    public async Task Live_FluxPro11()
    {
        using var generator = new BlackForestLabsImageGenerator(Environment.GetEnvironmentVariable("BFL_API_KEY")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Size = new ImageSize(512, 512) });
        Assert.True(result.Image.Data.Length > 1000);
    }
}
