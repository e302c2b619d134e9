using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.BlackForestLabs.Tests;

/// <summary>
/// Issue 18 (BFL part): what the BFL API accepts and answers, read from the official OpenAPI document
/// (/work/shared/specs/bfl-openapi.json, "BFL API" 0.0.1, cited as bfl-openapi.json {schema}.{property}) and
/// PROVIDERS.md 5 and 13.7.
/// </summary>
public class BlackForestLabsFidelityTests
{
    private const string Key = "bfl-key-0123456789abcdef";
    private const string TaskId = "e8a7f3c2-1b4d-4e5f-9a6b-7c8d9e0f1a2b";
    private const string Sample = "https://delivery-us1.bfl.ai/results/ab/cd/sample.jpeg?se=2026-11-22T12%3A10%3A00Z&sig=abc";
    private static readonly Uri Hook = new("https://example.com/hooks/bfl");
    private static readonly byte[] Png = PngEncoder.Encode(new byte[32 * 24 * 4], 32, 24);

    private static (BlackForestLabsImageGenerator, ScriptedHandler, ManualTimeProvider) Create(Action<BlackForestLabsImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var options = new BlackForestLabsImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        var http = new HttpClient(server);
        return (new BlackForestLabsImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "bfl"), time, owned: false), server, time);
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    // bfl-openapi.json AsyncWebhookResponse: required id, status, webhook_url; cost/input_mp/output_mp optional; no polling_url.
    private static HttpResponseMessage WebhookAccepted() =>
        Json($$"""{"id":"{{TaskId}}","status":"Pending","webhook_url":"{{Hook}}","cost":4.0,"input_mp":0.0,"output_mp":0.79}""");

    // bfl-openapi.json AsyncResponse: required id, polling_url.
    private static HttpResponseMessage Accepted() =>
        Json($$"""{"id":"{{TaskId}}","polling_url":"https://api.us1.bfl.ai/v1/get_result?id={{TaskId}}","cost":4.0}""");

    // bfl-openapi.json ResultResponse {id, status (StatusResponse enum), result, progress, details, preview}.
    private static HttpResponseMessage Ready() =>
        Json($$"""{"id":"{{TaskId}}","status":"Ready","result":{"sample":"{{Sample}}","seed":7},"progress":null,"details":null,"preview":null}""");

    private static HttpResponseMessage Pending() => Json($$"""{"id":"{{TaskId}}","status":"Pending","result":null,"progress":0.5}""");

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static JsonNode Body(ScriptedHandler server) => JsonNode.Parse(server.Requests.Last().Body)!;

    // ---- Item 1: webhook mode ----

    [Fact]
    public async Task Webhook_SubmitAnswerWithoutPollingUrl_StartsAJobWhoseIdIsTheTaskId()
    {
        // PROVIDERS.md 13.7 and bfl-openapi.json: every submit answers anyOf(AsyncResponse, AsyncWebhookResponse); with
        // webhook_url it is AsyncWebhookResponse, which has no polling_url. The job id is the bare task id.
        var (generator, server, _) = Create(o => (o.WebhookUrl, o.WebhookSecret) = (Hook, "whsec-bfl-secret"));
        server.Then(WebhookAccepted);

        var job = await generator.StartAsync(new ImageGenerationRequest("a fox"));

        Assert.Equal((TaskId, ImageJobStatus.Queued), (job.Id, job.Status));
        var body = Body(server);
        Assert.Equal((Hook.AbsoluteUri, "whsec-bfl-secret"), (body["webhook_url"]!.GetValue<string>(), body["webhook_secret"]!.GetValue<string>()));
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task Webhook_GenerateAsync_PollsGetResultById_OnTheConfiguredEndpoint()
    {
        // bfl-openapi.json paths./v1/get_result: GET with the required query parameter id (server https://api.bfl.ai)
        // answers ResultResponse; the submit's cost (AsyncWebhookResponse.cost, credits) is still the reported cost.
        var (generator, server, time) = Create(o => o.WebhookUrl = Hook);
        server.Then(WebhookAccepted).Then(Pending).Then(Ready).Then(Image);

        var result = await time.RunAsync(generator.GenerateAsync("a fox"));

        // FluxPro11Inputs.webhook_secret is optional: without one nothing (not even null) is sent.
        Assert.False(JsonNode.Parse(server.Requests.First().Body)!.AsObject().ContainsKey("webhook_secret"));
        var polls = server.Requests.Skip(1).Take(2).ToArray();
        Assert.All(polls, r => Assert.Equal((HttpMethod.Get, $"https://api.bfl.ai/v1/get_result?id={TaskId}", Key), (r.Method, r.Uri.ToString(), r.Header("x-key"))));
        Assert.Equal(Png, result.Image.Data.ToArray());
        Assert.Equal((0.04m, 7L), (result.Cost!.ReportedUsd!.Value, result.Image.Seed!.Value));
        Assert.Equal(TaskId, result.ProviderRequestId);
    }

    [Fact]
    public async Task Webhook_IfAPollingUrlIsReturnedAnyway_TheIdStaysTheTaskId_AndPollsUseTheUrl()
    {
        // PROVIDERS.md 5.1: prefer the returned polling_url (the task may live on one cluster); the id a delivery names
        // is the task id (AsyncWebhookResponse.id), so that stays the job id.
        var (generator, server, time) = Create(o => o.WebhookUrl = Hook);
        server.Then(Accepted).Then(Ready).Then(Image);

        var job = await generator.StartAsync(new ImageGenerationRequest("a fox"));
        await time.RunAsync(generator.WaitForCompletionAsync(job.Id));

        Assert.Equal(TaskId, job.Id);
        Assert.Equal($"https://api.us1.bfl.ai/v1/get_result?id={TaskId}", server.Requests.ElementAt(1).Uri.ToString());
    }

    [Fact]
    public async Task Webhook_PerRequestUrlAndSecret_OverrideTheOptions()
    {
        // bfl-openapi.json FluxPro11Inputs.webhook_url (uri) and webhook_secret (string) are per submit.
        var (generator, server, _) = Create(o => (o.WebhookUrl, o.WebhookSecret) = (Hook, "options-secret"));
        server.Then(WebhookAccepted);

        await generator.StartAsync(new ImageGenerationRequest("a fox")
            .WithProviderOptions("bfl", new BlackForestLabsRequestOptions { WebhookUrl = new Uri("https://hooks.example.org/bfl/42"), WebhookSecret = "request-secret" }));

        var body = Body(server);
        Assert.Equal(("https://hooks.example.org/bfl/42", "request-secret"), (body["webhook_url"]!.GetValue<string>(), body["webhook_secret"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Webhook_BadUrls_AreRefusedBeforeTheCall()
    {
        // bfl-openapi.json *Inputs.webhook_url: string, format uri, minLength 1, maxLength 2083; this SDK also wants https.
        var (generator, server, _) = Create();
        ImageGenerationRequest With(BlackForestLabsRequestOptions options) => new ImageGenerationRequest("a fox").WithProviderOptions("bfl", options);

        var http = await Assert.ThrowsAsync<ArgumentException>(() => generator.StartAsync(With(new() { WebhookUrl = new Uri("http://example.com/hook") })));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => generator.StartAsync(With(new() { WebhookUrl = new Uri("https://example.com/" + new string('a', 2070)) })));
        var lonelySecret = await Assert.ThrowsAsync<ArgumentException>(() => generator.StartAsync(With(new() { WebhookSecret = "s" })));

        Assert.Equal(("WebhookUrl", "WebhookUrl", "WebhookSecret"), (http.ParamName, tooLong.ParamName, lonelySecret.ParamName));
        Assert.Contains("2083", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task ABareTaskId_IsResumed_WithGetResult()
    {
        // bfl-openapi.json paths./v1/get_result: the id is a query parameter, so it is escaped into it.
        var (generator, server, time) = Create();
        server.Then(Ready).Then(Image);

        var result = await time.RunAsync(generator.WaitForCompletionAsync(TaskId));

        Assert.Equal($"https://api.bfl.ai/v1/get_result?id={TaskId}", server.Requests.First().Uri.ToString());
        Assert.Equal(Png, result.Image.Data.ToArray());
    }

    // ---- Item 2: base64-only inputs ----

    [Theory]
    // bfl-openapi.json FluxProFillInputs.image and .mask: "A Base64-encoded string"; PROVIDERS.md 13.7.
    [InlineData("flux-pro-1.0-fill", "image")]
    // bfl-openapi.json FluxProExpandInputs.image: "A Base64-encoded string".
    [InlineData("flux-pro-1.0-expand", "image")]
    // bfl-openapi.json FluxUltraInput.image_prompt: "Optional image to remix in base64 format".
    [InlineData("flux-pro-1.1-ultra", "image_prompt")]
    public async Task Base64OnlyFields_GetUrlInputsDownloadedAndEncoded(string model, string field)
    {
        var (generator, server, _) = Create();
        var url = ImageInput.FromUri(new Uri("https://cdn.example.com/in.png"));
        bool fill = model == "flux-pro-1.0-fill";
        server.Then(Image);
        if (fill)
        {
            server.Then(Image);
        }

        server.Then(Accepted);
        var request = new ImageGenerationRequest("edit")
        {
            Model = model,
            Operation = model switch { "flux-pro-1.0-fill" => ImageOperation.Inpaint, "flux-pro-1.0-expand" => ImageOperation.Outpaint, _ => ImageOperation.ImageToImage },
            InputImages = [url],
            Mask = fill ? url : null,
        }.WithProviderOptions("bfl", new BlackForestLabsRequestOptions { Top = model.EndsWith("expand", StringComparison.Ordinal) ? 64 : null });

        await generator.StartAsync(request);

        var requests = server.Requests.ToArray();
        Assert.All(requests[..^1], r => Assert.Equal(("https://cdn.example.com/in.png", null), (r.Uri.ToString(), r.Header("x-key"))));
        var body = Body(server);
        Assert.Equal(Convert.ToBase64String(Png), body[field]!.GetValue<string>());
        if (fill)
        {
            Assert.Equal(Convert.ToBase64String(Png), body["mask"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Base64OnlyFields_RefuseAPrivateAddress_BeforeTheSubmit()
    {
        // The guarded downloader refuses link-local/metadata addresses (ImageDownloader.EnsureAllowed).
        var (generator, server, _) = Create();
        var request = new ImageGenerationRequest("edit") { Model = "flux-pro-1.0-fill", Operation = ImageOperation.Inpaint, InputImages = [ImageInput.FromUri(new Uri("https://169.254.169.254/latest/x.png"))] };

        await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(request));

        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task Kontext_KeepsUrlInputs()
    {
        // bfl-openapi.json FluxKontextProInputs.input_image: "Base64 encoded image or URL to use with Kontext."
        var (generator, server, _) = Create();
        server.Then(Accepted);

        await generator.StartAsync(new ImageGenerationRequest("edit") { Model = "flux-kontext-pro", Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromUri(new Uri("https://cdn.example.com/in.png"))] });

        Assert.Equal(1, server.Count);
        Assert.Equal("https://cdn.example.com/in.png", Body(server)["input_image"]!.GetValue<string>());
    }

    // ---- Item 3: ranges ----

    [Theory]
    // bfl-openapi.json FluxUltraInput.aspect_ratio and FluxKontextProInputs.aspect_ratio: "between 21:9 and 9:21".
    [InlineData("flux-pro-1.1-ultra", "32:9", "21:9")]
    [InlineData("flux-pro-1.1-ultra", "1:4", "9:21")]
    [InlineData("flux-kontext-max", "4:1", "21:9")]
    [InlineData("flux-kontext-pro", "21:9", "21:9")]
    public async Task AspectRatio_IsSnappedInto21x9To9x21_WithAWarning(string model, string requested, string sent)
    {
        var (generator, server, time) = Create();
        server.Then(Accepted).Then(Ready).Then(Image);

        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("wide") { Model = model, AspectRatio = AspectRatio.Parse(requested) }));

        Assert.Equal(sent, JsonNode.Parse(server.Requests.First().Body)!["aspect_ratio"]!.GetValue<string>());
        if (requested == sent)
        {
            Assert.DoesNotContain(result.Warnings, w => w.Setting == "AspectRatio");
        }
        else
        {
            var warning = Assert.Single(result.Warnings, w => w.Setting == "AspectRatio");
            Assert.Equal((ImageGenerationWarningKind.Adjusted, requested, sent), (warning.Kind, warning.RequestedValue, warning.AppliedValue));
        }
    }

    [Fact]
    public async Task AspectRatio_OutOfRange_ThrowsBeforeTheCall_WhenToldTo()
    {
        // bfl-openapi.json FluxUltraInput.aspect_ratio; DESIGN.md: UnsupportedSettingBehavior.Throw is InvalidRequest before any call.
        var (generator, server, _) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(new ImageGenerationRequest("wide") { Model = "flux-pro-1.1-ultra", Size = new ImageSize(3200, 900) }));

        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("21:9", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Theory]
    // bfl-openapi.json Flux2Inputs and Flux2KleinInputs have no prompt_upsampling (PROVIDERS.md 13.7)...
    [InlineData("flux-2-pro", false)]
    [InlineData("flux-2-max", false)]
    [InlineData("flux-2-klein-4b", false)]
    // ...Flux2FlexInputs has one (default true), FluxKontextProInputs too (default false).
    [InlineData("flux-2-flex", true)]
    [InlineData("flux-kontext-pro", true)]
    public async Task PromptUpsampling_GoesOnlyToModelsThatTakeIt(string model, bool sent)
    {
        var (generator, server, time) = Create();
        server.Then(Accepted).Then(Ready).Then(Image);

        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = model }
            .WithProviderOptions("bfl", new BlackForestLabsRequestOptions { PromptUpsampling = true })));

        Assert.Equal(sent, JsonNode.Parse(server.Requests.First().Body)!.AsObject().ContainsKey("prompt_upsampling"));
        Assert.Equal(sent, !result.Warnings.Any(w => w.Setting == "PromptUpsampling" && w.Kind == ImageGenerationWarningKind.Unsupported));
    }

    [Theory]
    // bfl-openapi.json FluxProExpandInputs.top/bottom/left/right: integer, minimum 0, maximum 2048.
    [InlineData("Top", 2049)]
    [InlineData("Bottom", -1)]
    [InlineData("Left", 4096)]
    [InlineData("Right", 2049)]
    public async Task ExpandEdges_OutOfRange_ThrowBeforeTheCall_NamingTheParameterAndLimit(string edge, int value)
    {
        var (generator, server, _) = Create();
        var options = edge switch
        {
            "Top" => new BlackForestLabsRequestOptions { Top = value },
            "Bottom" => new BlackForestLabsRequestOptions { Bottom = value },
            "Left" => new BlackForestLabsRequestOptions { Left = value },
            _ => new BlackForestLabsRequestOptions { Right = value },
        };
        // A URL input proves the check runs before the download too.
        var request = new ImageGenerationRequest("more sky") { Model = "flux-pro-1.0-expand", Operation = ImageOperation.Outpaint, InputImages = [ImageInput.FromUri(new Uri("https://cdn.example.com/in.png"))] }
            .WithProviderOptions("bfl", options);

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.StartAsync(request));

        Assert.Equal(edge, ex.ParamName);
        Assert.Contains("0 to 2048", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task ExpandEdges_GrownFromSize_BeyondTheLimit_Throw()
    {
        // bfl-openapi.json FluxProExpandInputs: at most 2048 per side, so a Size more than 4096 wider cannot be reached.
        var (generator, server, _) = Create();
        var request = new ImageGenerationRequest("more sky") { Model = "flux-pro-1.0-expand", Operation = ImageOperation.Outpaint, InputImages = [ImageInput.FromBytes(Png)], Size = new ImageSize(32 + 4098, 24) };

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.StartAsync(request));

        Assert.Equal("Size", ex.ParamName);
        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task SafetyTolerance_AboveTheModelsMaximum_IsClampedWithAWarning()
    {
        // bfl-openapi.json Flux2Inputs.safety_tolerance: integer 0-5 (FLUX.1 schemas: 0-6).
        var (generator, server, time) = Create();
        server.Then(Accepted).Then(Ready).Then(Image);

        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = "flux-2-pro" }
            .WithProviderOptions("bfl", new BlackForestLabsRequestOptions { SafetyTolerance = 6 })));

        Assert.Equal(5, JsonNode.Parse(server.Requests.First().Body)!["safety_tolerance"]!.GetValue<int>());
        Assert.Contains(result.Warnings, w => w.Setting == "SafetyTolerance" && w.AppliedValue == "5");
    }
}
