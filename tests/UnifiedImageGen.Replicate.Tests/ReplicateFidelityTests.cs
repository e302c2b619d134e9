using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Replicate.Tests.ReplicateTestHost;

namespace UnifiedImageGen.Replicate.Tests;

// Issue 17 items for Replicate, each pinned to PROVIDERS.md 3.x / 13.5 and the official source named beside it
// (replicate/replicate-python-beta is the Stainless client generated from Replicate's OpenAPI; model inputs from the
// model API pages at replicate.com/black-forest-labs/{model}/api).
public class ReplicateFidelityTests
{
    private const string Id = "ufawqhfynnddngldkgtslldrkq";
    private const string OneOutput = """["https://replicate.delivery/xezq/abc/out-0.webp"]""";

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage GatewayHtml(HttpStatusCode status) =>
        new(status) { Content = new StringContent($"<html><body><h1>{(int)status}</h1></body></html>", Encoding.UTF8, "text/html") };

    // One page of GET /v1/predictions (PROVIDERS.md 3.2: {next, previous, results}) holding one prediction.
    private static HttpResponseMessage Page(string model, JsonNode input, string status = "succeeded", string? output = OneOutput) => Json(new JsonObject
    {
        ["next"] = null,
        ["previous"] = null,
        ["results"] = new JsonArray(new JsonObject
        {
            ["id"] = Id,
            ["model"] = model,
            ["version"] = "hidden",
            ["input"] = input.DeepClone(),
            ["status"] = status,
            ["output"] = output is null ? null : JsonNode.Parse(output),
            ["source"] = "api",
            ["created_at"] = "2026-11-22T12:00:00.100Z",
            ["urls"] = new JsonObject { ["get"] = $"https://api.replicate.com/v1/predictions/{Id}" },
        }),
    }.ToJsonString());

    // --- 1. Cancel-After only when the caller blocks ---------------------------------------------------------------

    // PROVIDERS.md 13.5 + replicate.com/changelog/2025-10-16-prediction-deadlines: Cancel-After cancels the prediction at
    // the deadline, right for a blocking call, wrong for a job collected later by webhook or id.
    [Fact]
    public async Task StartAsync_SendsNoCancelAfter_SoAJobForAWebhookOutlivesMaxWait()
    {
        var (generator, server, _) = Create(o => o.WebhookUrl = new Uri("https://example.com/hooks/replicate"));
        server.Then(() => Prediction("starting", code: HttpStatusCode.Created));
        await generator.StartAsync(new ImageGenerationRequest("a fox"));
        var create = server.Requests.Single();
        Assert.Null(create.Header("Cancel-After"));
        Assert.Equal("wait=60", create.Header("Prefer"));
    }

    // PROVIDERS.md 3.2: Cancel-After takes a duration such as "30s" (minimum 5 s); GenerateAsync waits, so it sends MaxWait.
    [Theory]
    [InlineData(600, "600s")]
    [InlineData(2, "5s")]
    public async Task GenerateAsync_SendsCancelAfterAsMaxWaitInSeconds_AtLeast5(int maxWaitSeconds, string expected)
    {
        var (generator, server, time) = Create(o => o.MaxWait = TimeSpan.FromSeconds(maxWaitSeconds));
        server.Then(() => Prediction("succeeded", OneOutput, code: HttpStatusCode.Created)).Then(() => Image(Png));
        await time.RunAsync(generator.GenerateAsync("a fox"));
        Assert.Equal(expected, server.Requests.First().Header("Cancel-After"));
    }

    // --- 2. A held create is sent once; after a gateway error the prediction is looked up -------------------------

    // PROVIDERS.md 13.5: a 502/503/504 on a create held by Prefer: wait may come after the prediction exists, so it is
    // not resent; PROVIDERS.md 3.2 + replicate-python-beta types/prediction_list_params.py: GET /v1/predictions takes
    // created_after (ISO 8601, "at or after"); the match is the same model and the identical input.
    [Theory]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task GatewayErrorOnAHeldCreate_IsNotResent_AndThePredictionFoundByItsInputIsUsed(HttpStatusCode status)
    {
        var (generator, server, time) = Create(resilience: true);
        var submitted = time.GetUtcNow();
        server.Then(() => GatewayHtml(status))
            .Then(() => Page(ReplicateModels.FluxSchnell, JsonNode.Parse(server.Requests.First().Body)!["input"]!))
            .Then(() => Image(Png));

        var result = await time.RunAsync(generator.GenerateAsync("a fox"));

        Assert.Equal(Id, result.ProviderRequestId);
        Assert.Single(result.Images);
        var requests = server.Requests.ToArray();
        Assert.Single(requests, r => r.Method == HttpMethod.Post);
        var lookup = requests[1];
        Assert.Equal(HttpMethod.Get, lookup.Method);
        Assert.Equal("/v1/predictions", lookup.Uri.AbsolutePath);
        var after = DateTimeOffset.Parse(Uri.UnescapeDataString(lookup.Uri.Query["?created_after=".Length..]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after <= submitted && after >= submitted - TimeSpan.FromMinutes(1), $"created_after {after:O} should open the window just before the submit {submitted:O}");
        Assert.Equal($"Bearer {Token}", lookup.Header("Authorization"));
    }

    [Fact]
    public async Task GatewayErrorOnAHeldCreate_WithNoMatchingPrediction_FailsSayingItMayBeBilling_AfterOneCreate()
    {
        var (generator, server, time) = Create(resilience: true);
        // A prediction of the same model with another input is someone else's run, not ours.
        server.Then(() => GatewayHtml(HttpStatusCode.GatewayTimeout))
            .Then(() => Page(ReplicateModels.FluxSchnell, new JsonObject { ["prompt"] = "another prompt", ["num_outputs"] = 1 }));

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("a secret fox prompt")));

        Assert.Equal((ImageGenerationErrorKind.ProviderUnavailable, 504), (ex.Kind, ex.StatusCode));
        Assert.Contains("may still exist and be running (and billing)", ex.Message);
        Assert.Contains("GET /v1/predictions", ex.Message);
        Assert.Contains("PreferWaitSeconds", ex.Message);
        Assert.DoesNotContain("secret fox", ex.Message);
        Assert.DoesNotContain(Token, ex.ToString());
        Assert.Equal(1, server.Requests.Count(r => r.Method == HttpMethod.Post));
        Assert.Equal(2, server.Count);
    }

    // PROVIDERS.md 3.5: the official client retries 503 for requests that cannot have started work; a create not held
    // open (PreferWaitSeconds = 0) answers at once, so a 503 from it means nothing was created and it is retried.
    [Fact]
    public async Task ACreateNotHeldOpen_IsStillRetriedAfterA503()
    {
        var (generator, server, time) = Create(o => o.PreferWaitSeconds = 0, resilience: true);
        server.Then(() => Problem(HttpStatusCode.ServiceUnavailable, """{"title":"Service Unavailable","status":503}"""))
            .Then(() => Prediction("succeeded", OneOutput, code: HttpStatusCode.Created)).Then(() => Image(Png));
        await time.RunAsync(generator.GenerateAsync("a fox"));
        Assert.Equal(2, server.Requests.Count(r => r.Method == HttpMethod.Post));
    }

    // --- 3. 404 on a prediction is about the id ---------------------------------------------------------------------

    // PROVIDERS.md 3.5: 404 means an unknown model or prediction; on GET /v1/predictions/{id} and its cancel it is the
    // id (unknown, another account's, or past the 1-hour data removal of 3.3), mapped as StabilityAI maps its results 404.
    [Fact]
    public async Task NotFoundOnGetOrCancel_IsAnUnknownPrediction_NotModelNotFound()
    {
        const string NotFound = """{"title":"Not found","detail":"The requested resource could not be found.","status":404}""";
        var (generator, server, time) = Create();
        server.Then(() => Problem(HttpStatusCode.NotFound, NotFound)).Then(() => Problem(HttpStatusCode.NotFound, NotFound));

        var get = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GetJobAsync("gm3qorzdhgbfurvjtvhg6dckhu")));
        var cancel = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.CancelJobAsync("gm3qorzdhgbfurvjtvhg6dckhu")));

        Assert.All(new[] { get, cancel }, ex =>
        {
            Assert.Equal((ImageGenerationErrorKind.InvalidRequest, 404, "Not found"), (ex.Kind, ex.StatusCode, ex.ProviderErrorCode));
            Assert.Contains("no prediction 'gm3qorzdhgbfurvjtvhg6dckhu'", ex.Message);
        });
    }

    [Fact]
    public async Task NotFoundOnCreate_StaysModelNotFound()
    {
        var (generator, server, time) = Create();
        server.Then(() => Problem(HttpStatusCode.NotFound, """{"title":"Not found","detail":"The requested resource could not be found.","status":404}"""));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "acme/no-such-model" })));
        Assert.Equal(ImageGenerationErrorKind.ModelNotFound, ex.Kind);
    }

    // --- 4. Output shapes -----------------------------------------------------------------------------------------

    // PROVIDERS.md 3.3 + replicate-python-beta types/prediction.py (output is model-specific, "Any"): URL strings, lists of
    // them, data: URIs, and file objects carrying the URL as "url" or "image".
    [Theory]
    [InlineData("""[{"url":"https://replicate.delivery/x/a.png"},{"image":"https://replicate.delivery/x/b.png"}]""", 2)]
    [InlineData("""{"url":"https://replicate.delivery/x/a.png"}""", 1)]
    [InlineData("""{"image":"https://replicate.delivery/x/a.png"}""", 1)]
    [InlineData("\"https://replicate.delivery/x/a.png\"", 1)]
    public async Task OutputObjectsCarryingUrls_AreDownloaded(string output, int images)
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", output)).Then(() => Image(Png, "image/png")).Then(() => Image(Png, "image/png"));
        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.Equal(images, result.Images.Count);
        Assert.All(server.Requests.Skip(1), r => Assert.Equal("replicate.delivery", r.Uri.Host));
    }

    [Fact]
    public async Task ADataUriInsideAnOutputObject_IsDecodedWithoutADownload()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", $$"""[{"image":"data:image/png;base64,{{Convert.ToBase64String(Png)}}"}]"""));
        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.Equal(Png, result.Image.Data.ToArray());
        Assert.Equal(1, server.Count);
    }

    [Theory]
    [InlineData("""{"text":"a fox"}""", "object")]
    [InlineData("""[42]""", "number")]
    public async Task UnknownOutputShapes_FailAsUnexpectedResponse_NamingTheShape(string output, string shape)
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", output));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.Contains($"a JSON {shape} without a \"url\" or \"image\" string", ex.Message);
    }

    [Fact]
    public async Task AStatusWithAnUnknownOutputShape_StillReads()
    {
        // A job's state is still readable (e.g. a text model's output); only reading images out of it fails.
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", """{"text":"a fox"}"""));
        var job = await time.RunAsync(generator.GetJobAsync(Id));
        Assert.Equal(ImageJobStatus.Succeeded, job.Status);
        Assert.Empty(job.OutputUris);
    }

    // --- 5. Webhooks are https ------------------------------------------------------------------------------------

    // PROVIDERS.md 3.4 + replicate-python-beta types/prediction_create_params.py: "webhook: An HTTPS URL ...".
    [Fact]
    public async Task APlainHttpWebhook_IsRefusedBeforeAnyNetworkCall_NamingTheParameter()
    {
        var (generator, server, _) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.StartAsync(new ImageGenerationRequest("x")
            .WithProviderOptions("replicate", new ReplicateRequestOptions { WebhookUrl = new Uri("http://example.com/hooks?token=abc") })));
        Assert.Equal("ReplicateRequestOptions.WebhookUrl", ex.ParamName);
        Assert.Contains("https", ex.Message);
        Assert.DoesNotContain("token=abc", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task APlainHttpWebhookInTheOptions_IsRefusedAtConstruction_AndIfSetLater_BeforeTheCall()
    {
        Assert.Throws<ArgumentException>(() => Create(o => o.WebhookUrl = new Uri("http://example.com/hooks")));

        var options = new ReplicateImageGeneratorOptions { ApiKey = Token };
        var server = new ScriptedHandler();
        using var generator = new ReplicateImageGenerator(new HttpClient(server), options);
        options.WebhookUrl = new Uri("http://example.com/hooks");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.StartAsync(new ImageGenerationRequest("x")));
        Assert.Equal("ReplicateImageGeneratorOptions.WebhookUrl", ex.ParamName);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task ALoopbackHttpWebhook_IsAllowedOnlyAgainstALoopbackEndpoint()
    {
        // Decision (README): api.replicate.com can never reach a loopback URL, so it is refused there; a local emulator can.
        var hook = new ReplicateRequestOptions { WebhookUrl = new Uri("http://127.0.0.1:5050/hooks/replicate") };
        var (remote, remoteServer, _) = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => remote.StartAsync(new ImageGenerationRequest("x").WithProviderOptions("replicate", hook)));
        Assert.Equal(0, remoteServer.Count);

        var (local, localServer, _) = Create(o => o.Endpoint = new Uri("http://127.0.0.1:5000/replicate/v1/"));
        localServer.Then(() => Prediction("starting", code: HttpStatusCode.Created));
        await local.StartAsync(new ImageGenerationRequest("x").WithProviderOptions("replicate", hook));
        Assert.Equal("http://127.0.0.1:5050/hooks/replicate", Body(localServer.Requests.Single())["webhook"]!.GetValue<string>());
    }

    // --- 6. The webhook signing secret ----------------------------------------------------------------------------

    // PROVIDERS.md 3.2/3.4/13.5 + replicate-python-beta resources/webhooks/default/secret.py and
    // types/webhooks/default/secret_get_response.py: GET /v1/webhooks/default/secret → {"key": "whsec_..."}.
    [Fact]
    public async Task GetWebhookSigningSecret_ReadsTheDefaultSecret_AndBuildsAWorkingVerifier()
    {
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var (generator, server, time) = Create();
        server.Then(() => Json($$"""{"key":"{{Secret}}"}"""));

        string secret = await generator.GetWebhookSigningSecretAsync();

        var request = server.Requests.Single();
        Assert.Equal((HttpMethod.Get, "https://api.replicate.com/v1/webhooks/default/secret"), (request.Method, request.Uri.ToString()));
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
        Assert.Equal(Secret, secret);

        // PROVIDERS.md 3.4 steps 3-6: HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed by the base64 after "whsec_".
        byte[] body = Encoding.UTF8.GetBytes($$"""{"id":"{{Id}}","status":"succeeded","output":{{OneOutput}}}""");
        string timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"msg_1.{timestamp}."), .. body];
        byte[] mac = HMACSHA256.HashData(Convert.FromBase64String(Secret["whsec_".Length..]), signed);
        var job = new ReplicateWebhookVerifier(secret, time).VerifyAndParse(body, WebhookHeaders.From(new Dictionary<string, string>
        {
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = "v1," + Convert.ToBase64String(mac),
        }));
        Assert.Equal(Id, job.Id);
    }

    [Fact]
    public async Task GetWebhookSigningSecret_WithoutAKey_IsUnexpectedResponse()
    {
        var (generator, server, _) = Create();
        server.Then(() => Json("{}"));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GetWebhookSigningSecretAsync());
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
    }

    // --- 7. Model mappings ----------------------------------------------------------------------------------------

    // replicate.com/black-forest-labs/flux-1.1-pro-ultra-finetuned/.../api (the ultra model's inputs: image_prompt,
    // image_prompt_strength 0-1, aspect_ratio, safety_tolerance 1-6, seed, raw, output_format default jpg) and BFL's
    // OpenAPI FluxUltraInput (output_format jpeg|png). Output: one URL string.
    [Fact]
    public async Task FluxUltra_MapsImagePromptStrengthRawAndTolerance()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", "\"https://replicate.delivery/x/out.jpg\"", model: ReplicateModels.FluxPro11Ultra)).Then(() => Image(Png, "image/jpeg"));
        var request = new ImageGenerationRequest("a valley at dawn")
        {
            Model = ReplicateModels.FluxPro11Ultra,
            Operation = ImageOperation.ImageToImage,
            InputImages = [ImageInput.FromUri(new Uri("https://example.com/ref.png"))],
            Strength = 0.3,
            AspectRatio = new AspectRatio(21, 9),
            OutputFormat = ImageFormat.Jpeg,
            Seed = 3,
        }.WithProviderOptions("replicate", new ReplicateRequestOptions { Raw = true, SafetyTolerance = 9 });

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var create = server.Requests.First();
        Assert.Equal("https://api.replicate.com/v1/models/black-forest-labs/flux-1.1-pro-ultra/predictions", create.Uri.ToString());
        AssertJson("""{"input":{"prompt":"a valley at dawn","aspect_ratio":"21:9","seed":3,"output_format":"jpg","image_prompt":"https://example.com/ref.png","image_prompt_strength":0.3,"safety_tolerance":6,"raw":true}}""", create);
        Assert.Equal("SafetyTolerance", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public async Task FluxUltra_TakesJpgOrPng_SoWebpIsAdjusted()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", "\"https://replicate.delivery/x/out.jpg\"")).Then(() => Image(Png));
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ReplicateModels.FluxPro11Ultra, OutputFormat = ImageFormat.Webp }));
        Assert.Equal("jpg", Body(server.Requests.First())["input"]!["output_format"]!.GetValue<string>());
        Assert.Equal("OutputFormat", Assert.Single(result.Warnings).Setting);
    }

    // replicate.com/black-forest-labs/flux-kontext-pro/versions/0a138193.../api: prompt, input_image, aspect_ratio (default
    // match_input_image), prompt_upsampling, seed, output_format, safety_tolerance 0-6 ("2 is currently the maximum allowed
    // when input images are used"). Output: one URL string.
    [Theory]
    [InlineData(ReplicateModels.FluxKontextPro)]
    [InlineData(ReplicateModels.FluxKontextMax)]
    public async Task Kontext_SendsTheInputImage_AndCapsToleranceAt2WithIt(string model)
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", "\"https://replicate.delivery/x/out.png\"", model: model)).Then(() => Image(Png, "image/png"));
        var request = new ImageGenerationRequest("make it a 90s cartoon")
        {
            Model = model,
            Operation = ImageOperation.ImageToImage,
            InputImages = [ImageInput.FromBytes(Png)],
            Seed = 11,
        }.WithProviderOptions("replicate", new ReplicateRequestOptions { SafetyTolerance = 5, PromptUpsampling = false });

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var create = server.Requests.First();
        Assert.Equal($"https://api.replicate.com/v1/models/{model}/predictions", create.Uri.ToString());
        var input = Body(create)["input"]!.AsObject();
        Assert.StartsWith("data:image/png;base64,", input["input_image"]!.GetValue<string>());
        Assert.Null(input["aspect_ratio"]); // match_input_image is Replicate's default
        Assert.Equal((2, false, 11), (input["safety_tolerance"]!.GetValue<int>(), input["prompt_upsampling"]!.GetValue<bool>(), input["seed"]!.GetValue<int>()));
        Assert.Contains("with an input image", Assert.Single(result.Warnings).Message);
        Assert.Single(result.Images);
    }

    // replicate.com/black-forest-labs/flux-2-pro/versions/285631b5.../api: input_images (max 8), aspect_ratio incl.
    // custom with width/height 256-2048 (multiple of 32), safety_tolerance 1-5, seed, output_format, output_quality.
    [Fact]
    public async Task Flux2Pro_SendsUpTo8InputImages_CustomSizes_AndTolerance1To5()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", "\"https://replicate.delivery/x/out.webp\"", model: ReplicateModels.Flux2Pro)).Then(() => Image(Png));
        var images = Enumerable.Range(0, 9).Select(i => ImageInput.FromUri(new Uri($"https://example.com/ref{i}.png"))).ToArray();
        var request = new ImageGenerationRequest("combine them")
        {
            Model = ReplicateModels.Flux2Pro,
            Operation = ImageOperation.ImageToImage,
            InputImages = images,
            Size = new ImageSize(1536, 1024),
        }.WithProviderOptions("replicate", new ReplicateRequestOptions { SafetyTolerance = 6, OutputQuality = 90 });

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var input = Body(server.Requests.First())["input"]!.AsObject();
        Assert.Equal(8, input["input_images"]!.AsArray().Count);
        Assert.Equal(("custom", 1536, 1024), (input["aspect_ratio"]!.GetValue<string>(), input["width"]!.GetValue<int>(), input["height"]!.GetValue<int>()));
        Assert.Equal((5, 90), (input["safety_tolerance"]!.GetValue<int>(), input["output_quality"]!.GetValue<int>()));
        Assert.Equal(["InputImages", "SafetyTolerance"], result.Warnings.Select(w => w.Setting).Order());
    }

    // replicate.com/black-forest-labs/flux-2-dev/versions/7bba46bd.../api: input_images (max 4), go_fast,
    // disable_safety_checker, width/height 256-1440 with aspect_ratio custom; no safety_tolerance.
    [Fact]
    public async Task Flux2Dev_SendsGoFastAndSafetyChecker_AndAtMost4Images()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", "\"https://replicate.delivery/x/out.webp\"", model: ReplicateModels.Flux2Dev)).Then(() => Image(Png));
        var request = new ImageGenerationRequest("x")
        {
            Model = ReplicateModels.Flux2Dev,
            Operation = ImageOperation.ImageToImage,
            InputImages = Enumerable.Range(0, 5).Select(i => ImageInput.FromUri(new Uri($"https://example.com/{i}.png"))).ToArray(),
            AspectRatio = new AspectRatio(16, 9),
        }.WithProviderOptions("replicate", new ReplicateRequestOptions { GoFast = false, DisableSafetyChecker = true, SafetyTolerance = 3 });

        await time.RunAsync(generator.GenerateAsync(request));

        var input = Body(server.Requests.First())["input"]!.AsObject();
        Assert.Equal(4, input["input_images"]!.AsArray().Count);
        Assert.Equal(("16:9", false, true), (input["aspect_ratio"]!.GetValue<string>(), input["go_fast"]!.GetValue<bool>(), input["disable_safety_checker"]!.GetValue<bool>()));
        Assert.Null(input["safety_tolerance"]);
    }

    // PROVIDERS.md 3.6: the FLUX aspect_ratio enums spell "21:9" and "9:21", which AspectRatio keeps as 7:3 and 3:7.
    [Theory]
    [InlineData(ReplicateModels.FluxSchnell, 21, 9, "21:9")]
    [InlineData(ReplicateModels.FluxDev, 9, 21, "9:21")]
    [InlineData(ReplicateModels.FluxPro11Ultra, 21, 9, "21:9")]
    public async Task CinemaRatios_AreSentAsTheEnumSpellsThem(string model, int width, int height, string expected)
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", OneOutput)).Then(() => Image(Png));
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = model, AspectRatio = new AspectRatio(width, height) }));
        Assert.Equal(expected, Body(server.Requests.First())["input"]!["aspect_ratio"]!.GetValue<string>());
    }

    [Fact]
    public void TheNewModels_AreDescribed_WithOneImageACall()
    {
        using var generator = new ReplicateImageGenerator(new HttpClient(new ScriptedHandler()), new ReplicateImageGeneratorOptions { ApiKey = Token });
        foreach (var id in new[] { ReplicateModels.FluxPro11Ultra, ReplicateModels.FluxKontextPro, ReplicateModels.FluxKontextMax, ReplicateModels.Flux2Pro, ReplicateModels.Flux2Dev })
        {
            var model = Assert.Single(generator.Metadata.Models, m => m.Id == id);
            Assert.Equal(1, model.MaxImagesPerCall);
            Assert.True(model.Supports(ImageCapabilities.ImageToImage | ImageCapabilities.Seed | ImageCapabilities.Webhooks));
        }

        Assert.Equal((8, 4), (generator.Metadata.GetModel(ReplicateModels.Flux2Pro).MaxInputImages, generator.Metadata.GetModel(ReplicateModels.Flux2Dev).MaxInputImages));
    }

    // Prices: docs.bfl.ml/quick_start/pricing (ultra $0.06, Kontext pro $0.04, max $0.08 per image); Replicate's own
    // price for these is not confirmed, so the lines say so (README "Unconfirmed").
    [Theory]
    [InlineData(ReplicateModels.FluxPro11Ultra, 0.06)]
    [InlineData(ReplicateModels.FluxKontextPro, 0.04)]
    [InlineData(ReplicateModels.FluxKontextMax, 0.08)]
    public void TheBuiltInCatalog_PricesTheNewPerImageModels_MarkedUnconfirmed(string model, double usd)
    {
        var line = PriceCatalog.Default.Find("replicate", model);
        Assert.NotNull(line);
        Assert.Equal(model, line.Model);
        Assert.Contains("not confirmed", line.Source);
        Assert.Equal((decimal)usd, PriceCatalog.Default.Estimate("replicate", model, new ImageGenerationRequest { Model = model })!.EstimatedUsd);
    }
}
