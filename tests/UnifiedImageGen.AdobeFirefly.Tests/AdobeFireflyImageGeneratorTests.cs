using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.AdobeFirefly.Tests;

public class AdobeFireflyImageGeneratorTests
{
    private const string ClientId = "firefly-client-id-0123";
    private const string Secret = "p8e-FIREFLYSECRET0123456789";
    private const string StatusUrl = "https://firefly-epo855230.adobe.io/v3/status/urn:ff:jobs:abc123";
    private const string CancelUrl = "https://firefly-epo855230.adobe.io/v3/cancel/urn:ff:jobs:abc123";
    private static readonly byte[] Png = PngEncoder.Encode(new byte[16 * 16 * 4], 16, 16);

    private static AdobeFireflyImageGeneratorOptions Options() => new() { ApiKey = ClientId, ClientSecret = Secret };

    private static (AdobeFireflyImageGenerator, ScriptedHandler, ManualTimeProvider) Create()
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var http = new HttpClient(server);
        var options = Options();
        return (new AdobeFireflyImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "firefly"), time, owned: false), server, time);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Token(string token = "eyJ.token.1", int expiresIn = 86399) => Json($$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":{{expiresIn}}}""");

    private static HttpResponseMessage Started() => Json($$"""{"jobId":"urn:ff:jobs:abc123","statusUrl":"{{StatusUrl}}","cancelUrl":"{{CancelUrl}}"}""", HttpStatusCode.Accepted);

    private static HttpResponseMessage Status(string status, string extra = "") => Json($$"""{"jobId":"urn:ff:jobs:abc123","status":"{{status}}"{{extra}}}""");

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/jpeg");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task GeneratesAsync_WithImsTokenApiKeyAndModelVersion_PollsTheStatusUrl_AndDownloads()
    {
        var (generator, server, time) = Create();
        server.Then(() => Token()).Then(Started).Then(() => Status("running", ",\"progress\":50"))
            .Then(() => Status("succeeded", ",\"result\":{\"outputs\":[{\"seed\":1842,\"image\":{\"url\":\"https://pre-signed-firefly-prod.s3.amazonaws.com/images/a.jpg?X-Amz-Signature=x\"}}],\"size\":{\"width\":2048,\"height\":2048},\"contentClass\":\"photo\"}"))
            .Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a product shot") { Size = new ImageSize(2048, 2048), Seed = 1842, NegativePrompt = "text" }
            .WithProviderOptions("firefly", new AdobeFireflyRequestOptions { ContentClass = "photo", StylePresets = ["photo"] })));

        var requests = server.Requests.ToArray();
        Assert.Equal((HttpMethod.Post, "https://ims-na1.adobelogin.com/ims/token/v3"), (requests[0].Method, requests[0].Uri.ToString()));
        Assert.Contains("grant_type=client_credentials", requests[0].BodyText);
        Assert.Contains("scope=openid%2CAdobeID%2Cfirefly_api%2Cff_apis", requests[0].BodyText);
        var create = requests[1];
        Assert.Equal("https://firefly-api.adobe.io/v3/images/generate-async", create.Uri.ToString());
        Assert.Equal(("Bearer eyJ.token.1", ClientId, "image4_standard"), (create.Header("Authorization"), create.Header("x-api-key"), create.Header("x-model-version")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"prompt":"a product shot","numVariations":1,"size":{"width":2048,"height":2048},"contentClass":"photo","negativePrompt":"text","seeds":[1842],"style":{"presets":["photo"]}}"""), JsonNode.Parse(create.Body)), create.BodyText);
        Assert.All(requests[2..4], r => Assert.Equal(StatusUrl, r.Uri.ToString()));
        Assert.Equal(1842L, result.Image.Seed);
        Assert.Equal(Png, result.Image.Data.ToArray());
    }

    [Fact]
    public async Task Token_IsCachedUntilShortlyBeforeExpiry_AndRefreshedOnceUnderConcurrency()
    {
        var server = new ScriptedHandler();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Then(async (_, _) =>
        {
            await gate.Task;
            return Token("t1", 3600);
        }).Then(() => Token("t2", 3600));
        var time = new ManualTimeProvider();
        var tokens = new AdobeImsTokenProvider(new HttpClient(server), Options(), time);
        var many = Enumerable.Range(0, 20).Select(_ => Task.Run(() => tokens.GetTokenAsync().AsTask())).ToArray();
        while (server.Count == 0)
        {
            await Task.Yield();
        }

        gate.SetResult();
        Assert.All(await Task.WhenAll(many), t => Assert.Equal("t1", t));
        Assert.Equal(1, server.Count);

        time.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal("t1", await tokens.GetTokenAsync());
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("t2", await tokens.GetTokenAsync());
        Assert.Equal(2, server.Count);
    }

    [Fact]
    public async Task BadCredentials_AreAuthentication_WithoutLeakingTheSecret()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json($$"""{"error":"invalid_client","error_description":"invalid client_secret parameter {{Secret}}"}""", HttpStatusCode.BadRequest));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.Authentication, ex.Kind);
        Assert.DoesNotContain(Secret, ex.ToString());
    }

    [Fact]
    public async Task CallerCancelling_CancelsThroughTheReturnedCancelUrl()
    {
        var (generator, server, time) = Create();
        server.Then(() => Token()).Then(Started).Then(() => Status("running"));
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(new ImageGenerationRequest("x"), cts.Token);
        await time.AdvanceUntilAsync(() => server.Count >= 3);

        // PROVIDERS.md 8.2: generate-async answers {jobId, statusUrl, cancelUrl}; the job is polled at statusUrl and
        // cancelled at cancelUrl. The cancel method (PUT) is unconfirmed (PROVIDERS.md 12 item 9; package README).
        server.Then(() => Json("{}")).Then(() => Status("cancelled"));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Contains(server.Requests, r => r.Method == HttpMethod.Put && r.Uri.ToString() == CancelUrl);
    }

    [Fact]
    public async Task FailedJobs_AndApiErrors_AreTyped()
    {
        var (generator, server, time) = Create();
        server.Then(() => Token()).Then(Started).Then(() => Status("failed", ",\"error_code\":\"input_validation_error\",\"message\":\"The prompt was flagged by content moderation.\""));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, (await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")))).Kind);

        server.Then(() => Json("""{"error_code":"too_many_requests","message":"Too many requests"}""", HttpStatusCode.TooManyRequests));
        var limited = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((ImageGenerationErrorKind.RateLimited, "too_many_requests"), (limited.Kind, limited.ProviderErrorCode));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GetJobAsync("https://evil.example.com/v3/status/x"));
    }

    [Fact]
    public void MissingSecret_NamesTheSetting() =>
        Assert.Contains("ClientSecret is required", Assert.Throws<ArgumentException>(() => new AdobeFireflyImageGenerator(new HttpClient(), new AdobeFireflyImageGeneratorOptions { ApiKey = ClientId })).Message);
}

public class AdobeFireflyLiveTests
{
    [LiveFact("FIREFLY_CLIENT_SECRET")]
    public async Task Live_Image4()
    {
        using var generator = new AdobeFireflyImageGenerator(new AdobeFireflyImageGeneratorOptions { ApiKey = Environment.GetEnvironmentVariable("FIREFLY_CLIENT_ID"), ClientSecret = Environment.GetEnvironmentVariable("FIREFLY_CLIENT_SECRET") });
        var result = await generator.GenerateAsync("a small red circle on white");
        Assert.True(result.Image.Data.Length > 1000);
    }
}
