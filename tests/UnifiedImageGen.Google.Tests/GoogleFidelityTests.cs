using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Google.Tests;

/// <summary>Issue 17: what the real Gemini API and Vertex AI accept and answer (PROVIDERS.md 13.1 and 13.4).</summary>
public class GoogleFidelityTests
{
    private const string Key = "AIzaSyTESTKEY0123456789abcdefghijklmnop";
    private static readonly string B64 = Convert.ToBase64String(PngEncoder.Encode(new byte[8 * 8 * 4], 8, 8));

    private static (GoogleImageGenerator, ScriptedHandler) Create(Action<GoogleImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var options = new GoogleImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        return (new GoogleImageGenerator(new HttpClient(server), options, null, owned: false), server);
    }

    private static void Vertex(GoogleImageGeneratorOptions o)
    {
        o.ApiKey = null;
        o.VertexProject = "acme-images";
        o.AccessTokenProvider = _ => ValueTask.FromResult("ya29.test-token");
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage GeminiImage() =>
        Json($$$"""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"{{{B64}}}"}}]},"finishReason":"STOP","index":0}]}""");

    private static HttpResponseMessage ImagenImage() =>
        Json($$$"""{"predictions":[{"bytesBase64Encoded":"{{{B64}}}","mimeType":"image/png"}]}""");

    private static JsonNode Body(ScriptedHandler server) => JsonNode.Parse(server.Requests.Last().Body)!;

    // ---- Item 1: models that were shut down ----

    [Fact]
    public void DefaultModel_IsGemini31FlashImage()
    {
        // PROVIDERS.md 13.1: gemini-3.1-flash-image replaces the shut-down gemini-2.5-flash-image.
        var (generator, _) = Create();
        Assert.Equal("gemini-3.1-flash-image", generator.Metadata.DefaultModel);
        Assert.Equal("gemini-3-pro-image", GoogleModels.Gemini3ProImage);
        Assert.Contains(generator.Metadata.Models, m => m.Id == "gemini-3-pro-image");
    }

    [Theory]
    // PROVIDERS.md 13.1 (ai.google.dev/gemini-api/docs/deprecations): shut down, answers 404; replacement named.
    [InlineData("gemini-2.5-flash-image", "2026-10-02", "gemini-3.1-flash-image")]
    [InlineData("gemini-3-pro-image-preview", "2026-06-25", "gemini-3-pro-image")]
    [InlineData("gemini-3.1-flash-image-preview", "2026-06-25", "gemini-3.1-flash-image")]
    public async Task ShutDownGeminiModel_IsRefusedBeforeTheCall_NamingItsReplacement(string model, string date, string replacement)
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = model }));
        Assert.Equal(ImageGenerationErrorKind.ModelNotFound, ex.Kind);
        Assert.Contains(date, ex.Message, StringComparison.Ordinal);
        Assert.Contains("use " + replacement, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
        var lifecycle = GoogleModels.GetLifecycle(model)!;
        Assert.Equal((GoogleModelStatus.ShutDown, replacement), (lifecycle.Status, lifecycle.Replacement));
    }

    [Fact]
    public void EveryImagenModel_IsMarkedShutDown_WithAGeminiReplacement()
    {
        // PROVIDERS.md 13.1: every Imagen model shut down (Firebase AI Logic 2026-06-24, capability-001 2026-06-30).
        var (generator, _) = Create();
        var imagen = generator.Metadata.Models.Where(m => m.Id.StartsWith("imagen-", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(imagen);
        Assert.All(imagen, m => Assert.Equal(GoogleModelStatus.ShutDown, GoogleModels.GetLifecycle(m.Id)?.Status));
        Assert.All(imagen, m => Assert.StartsWith("gemini-3", GoogleModels.GetLifecycle(m.Id)!.Replacement, StringComparison.Ordinal));
        Assert.Equal(new DateOnly(2026, 6, 30), GoogleModels.GetLifecycle("imagen-3.0-capability-001")!.ShutDownOn);
    }

    [Fact]
    public async Task ShutDownModelOnVertex_IsSent_WithAWarningNamingTheReplacement()
    {
        // PROVIDERS.md 13.1 dates are the Gemini API's; Vertex AI keeps its own schedule, so the call goes out.
        var (generator, server) = Create(Vertex);
        server.Then(GeminiImage);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gemini-2.5-flash-image" });
        var warning = Assert.Single(result.Warnings, w => w.Setting == "Model");
        Assert.Contains("gemini-3.1-flash-image", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Count);
    }

    // ---- Item 1: Imagen on Vertex AI ----

    [Fact]
    public async Task ImagenOnVertex_AtTheGlobalLocation_PredictsInARegion_WhileGeminiStaysGlobal()
    {
        // PROVIDERS.md 13.4 (Vertex generative AI locations): global serves Gemini; Imagen :predict needs a region.
        var (generator, server) = Create(Vertex);
        server.Then(ImagenImage).Then(GeminiImage);
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-generate-001" });
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = GoogleModels.Gemini31FlashImage });

        var uris = server.Requests.Select(r => r.Uri.ToString()).ToArray();
        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/acme-images/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict", uris[0]);
        Assert.Equal("https://aiplatform.googleapis.com/v1/projects/acme-images/locations/global/publishers/google/models/gemini-3.1-flash-image:generateContent", uris[1]);
    }

    [Fact]
    public void VertexImagenLocation_Global_IsAnOptionsError() =>
        Assert.Contains("VertexImagenLocation", Assert.Throws<ArgumentException>(() => Create(o => { Vertex(o); o.VertexImagenLocation = "global"; })).Message, StringComparison.Ordinal);

    [Fact]
    public async Task ImagenOnVertex_WithASeed_SendsAddWatermarkFalse()
    {
        // PROVIDERS.md 13.4; python-genai types.py: "Seed is not supported when watermark is enabled" (addWatermark defaults to true).
        var (generator, server) = Create(Vertex);
        server.Then(ImagenImage);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-fast-generate-001", Seed = 42 });
        var parameters = Body(server)["parameters"]!;
        Assert.Equal((42L, false), (parameters["seed"]!.GetValue<long>(), parameters["addWatermark"]!.GetValue<bool>()));
        Assert.Contains(result.Warnings, w => w.Kind == ImageGenerationWarningKind.Adjusted && w.AppliedValue == "false");
    }

    [Fact]
    public async Task ImagenOnVertex_WithASeedAndTheWatermarkAskedFor_DropsTheSeed_OrThrowsBeforeTheCall()
    {
        // PROVIDERS.md 13.4: seed and addWatermark: true cannot go together.
        var request = new ImageGenerationRequest("x") { Model = "imagen-4.0-fast-generate-001", Seed = 42 }
            .WithProviderOptions("google", new GoogleRequestOptions { AddWatermark = true });
        var (generator, server) = Create(Vertex);
        server.Then(ImagenImage);
        var result = await generator.GenerateAsync(request);
        var parameters = Body(server)["parameters"]!;
        Assert.Null(parameters["seed"]);
        Assert.True(parameters["addWatermark"]!.GetValue<bool>());
        Assert.Contains(result.Warnings, w => w.Setting == "Seed" && w.Kind == ImageGenerationWarningKind.Unsupported);

        var (strict, strictServer) = Create(o => { Vertex(o); o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw; });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => strict.GenerateAsync(request));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal(0, strictServer.Count);
    }

    [Theory]
    // PROVIDERS.md 13.4 (Imagen API reference): negativePrompt only on imagen-3.0-generate-001, -fast-generate-001, -capability-001.
    [InlineData("imagen-3.0-generate-001", true)]
    [InlineData("imagen-3.0-fast-generate-001", true)]
    [InlineData("imagen-3.0-generate-002", false)]
    [InlineData("imagen-4.0-generate-001", false)]
    [InlineData("imagen-4.0-ultra-generate-001", false)]
    public async Task ImagenOnVertex_SendsNegativePrompt_OnlyToTheModelsThatTakeIt(string model, bool sent)
    {
        var (generator, server) = Create(Vertex);
        server.Then(ImagenImage);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = model, NegativePrompt = "blur" });
        Assert.Equal(sent, Body(server)["parameters"]!["negativePrompt"] is not null);
        Assert.Equal(!sent, result.Warnings.Any(w => w.Setting == "NegativePrompt"));
    }

    // ---- Item 2: finish reasons, prices, 429s, the JsonObject escape hatch ----

    [Theory]
    // PROVIDERS.md 13.4; python-genai types.py FinishReason (Vertex AI GoogleCloudAiplatformV1Candidate FINISH_REASON_*).
    [InlineData("SAFETY")]
    [InlineData("PROHIBITED_CONTENT")]
    [InlineData("BLOCKLIST")]
    [InlineData("SPII")]
    [InlineData("RECITATION")]
    [InlineData("IMAGE_SAFETY")]
    [InlineData("IMAGE_PROHIBITED_CONTENT")]
    [InlineData("IMAGE_RECITATION")]
    [InlineData("IMAGE_OTHER")]
    [InlineData("NO_IMAGE")]
    public async Task ContentFinishReason_IsAContentPolicySlot_CarryingTheFinishMessage(string finishReason)
    {
        var (generator, server) = Create();
        server.Then(GeminiImage).Then(() => Json($$$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"I can't make that."}]},"finishReason":"{{{finishReason}}}","finishMessage":"Unable to show the generated image.","index":0}]}"""));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 });

        Assert.Single(result.Images, i => i.IsSuccess);
        var error = Assert.Single(result.Images, i => !i.IsSuccess).Error!;
        Assert.Equal((ImageGenerationErrorKind.ContentPolicy, finishReason), (error.Kind, error.ProviderErrorCode));
        Assert.Contains("Unable to show the generated image.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherFinishReason_WithoutAnImage_IsUnexpectedResponse()
    {
        // python-genai types.py FinishReason: MAX_TOKENS is not a content reason.
        var (generator, server) = Create();
        server.Then(() => Json("""{"candidates":[{"content":{"role":"model","parts":[{"text":"..."}]},"finishReason":"MAX_TOKENS","index":0}]}"""));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
    }

    [Theory]
    // Gemini API pricing page as quoted 2026-04-04 (preview ids, $60 / $120 per million image tokens): per image by imageSize.
    [InlineData("gemini-3.1-flash-image", "0.5K", "512", 0.045)]
    [InlineData("gemini-3.1-flash-image", "1K", "1K", 0.067)]
    [InlineData("gemini-3.1-flash-image", "2K", "2K", 0.101)]
    [InlineData("gemini-3.1-flash-image", "4K", "4K", 0.151)]
    [InlineData("gemini-3-pro-image", "1K", "1K", 0.134)]
    [InlineData("gemini-3-pro-image", "2K", "2K", 0.134)]
    [InlineData("gemini-3-pro-image", "4K", "4K", 0.24)]
    public async Task Gemini3_ImageSize_IsSentAndPricedAsSuch(string model, string asked, string sent, double usd)
    {
        // Gemini API discovery document, ImageConfig.imageSize: "Supported values are `512`, `1K`, `2K`, `4K`".
        var (generator, server) = Create();
        server.Then(GeminiImage);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = model }.WithProviderOptions("google", new GoogleRequestOptions { ImageSize = asked }));
        Assert.Equal(sent, Body(server)["generationConfig"]!["imageConfig"]!["imageSize"]!.GetValue<string>());
        Assert.Equal((decimal)usd, result.Cost!.EstimatedUsd);
        Assert.Contains(sent, result.Cost.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gemini3_SizeClass_FollowsTheSizeAskedFor_AndThePriceFollowsIt()
    {
        var (generator, server) = Create();
        server.Then(GeminiImage);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(4096, 4096) });
        Assert.Equal("4K", Body(server)["generationConfig"]!["imageConfig"]!["imageSize"]!.GetValue<string>());
        Assert.Equal(0.151m, result.Cost!.EstimatedUsd);
    }

    [Fact]
    public async Task HalfK_OnAModelWithoutIt_BecomesOneK_WithAWarning_OrThrowsBeforeTheCall()
    {
        // PROVIDERS.md 13.4: 0.5K only on 3.1 Flash Image.
        var request = new ImageGenerationRequest("x") { Model = GoogleModels.Gemini3ProImage }.WithProviderOptions("google", new GoogleRequestOptions { ImageSize = "0.5K" });
        var (generator, server) = Create();
        server.Then(GeminiImage);
        var result = await generator.GenerateAsync(request);
        Assert.Equal("1K", Body(server)["generationConfig"]!["imageConfig"]!["imageSize"]!.GetValue<string>());
        var warning = Assert.Single(result.Warnings, w => w.Setting.EndsWith("ImageSize", StringComparison.Ordinal));
        Assert.Equal(("0.5K", "1K"), (warning.RequestedValue, warning.AppliedValue));

        var (strict, strictServer) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, (await Assert.ThrowsAsync<ImageGenerationException>(() => strict.GenerateAsync(request))).Kind);
        Assert.Equal(0, strictServer.Count);
    }

    [Fact]
    public async Task UnknownImageSize_IsAnArgumentErrorNamingTheValues()
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("google", new GoogleRequestOptions { ImageSize = "3K" })));
        Assert.Contains("0.5K (512), 1K, 2K or 4K", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Theory]
    // Gemini API discovery document, ImageConfig.aspectRatio; PROVIDERS.md 13.4: 1:4, 4:1, 1:8, 8:1 on 3.1 Flash Image only.
    [InlineData("gemini-3.1-flash-image", 8, 1, "8:1")]
    [InlineData("gemini-3.1-flash-image", 1, 4, "1:4")]
    [InlineData("gemini-3-pro-image", 8, 1, "21:9")]
    public async Task ExtendedRatios_GoTo31FlashImage_OtherModelsGetTheNearest(string model, int w, int h, string sent)
    {
        var (generator, server) = Create();
        server.Then(GeminiImage);
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = model, AspectRatio = new AspectRatio(w, h) });
        Assert.Equal(sent, Body(server)["generationConfig"]!["imageConfig"]!["aspectRatio"]!.GetValue<string>());
    }

    [Theory]
    // PROVIDERS.md 13.4: Gemini models on Vertex AI use generateContent at global or a region. The SDKs' Vertex AI
    // ImageConfig variant lists the ten ratios and 1K/2K/4K only.
    [InlineData("global", "https://aiplatform.googleapis.com/v1/projects/acme-images/locations/global/publishers/google/models/gemini-3.1-flash-image:generateContent")]
    [InlineData("europe-west4", "https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-images/locations/europe-west4/publishers/google/models/gemini-3.1-flash-image:generateContent")]
    public async Task GeminiOnVertex_UsesGenerateContentAtTheLocation_WithoutTheFlashOnlyOptions(string location, string uri)
    {
        var (generator, server) = Create(o => { Vertex(o); o.VertexLocation = location; });
        server.Then(GeminiImage);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { AspectRatio = new AspectRatio(8, 1) }.WithProviderOptions("google", new GoogleRequestOptions { ImageSize = "0.5K" }));
        var sent = server.Requests.Single();
        Assert.Equal(uri, sent.Uri.ToString());
        Assert.Equal("Bearer ya29.test-token", sent.Header("Authorization"));
        var imageConfig = Body(server)["generationConfig"]!["imageConfig"]!;
        Assert.Equal(("21:9", "1K"), (imageConfig["aspectRatio"]!.GetValue<string>(), imageConfig["imageSize"]!.GetValue<string>()));
        Assert.Equal(2, result.Warnings.Count);
    }

    [Fact]
    public async Task Gemini_SeedAndSafetySettings_GoWhereTheApiReadsThem()
    {
        // python-genai types.py: GenerateContentConfig.seed (generationConfig.seed) and SafetySetting {category, threshold}
        // (the request's top-level safetySettings).
        var (generator, server) = Create();
        server.Then(GeminiImage);
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 1234 }
            .WithProviderOptions("google", new GoogleRequestOptions { SafetySettings = [new("HARM_CATEGORY_DANGEROUS_CONTENT", "BLOCK_ONLY_HIGH")] }));
        var body = Body(server);
        Assert.Equal(1234, body["generationConfig"]!["seed"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"BLOCK_ONLY_HIGH"}]"""), body["safetySettings"]));
    }

    [Fact]
    public async Task Gemini_ASeedBeyond32Bits_IsAnArgumentError()
    {
        var (generator, server) = Create();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 1L << 40 }));
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task JsonEscapeHatch_MergesDeeply_KeepingSampleCount()
    {
        var (generator, server) = Create(o => o.AllowGeminiApiImagen = true);
        server.Then(ImagenImage).Then(GeminiImage);
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "imagen-4.0-generate-001" }.WithProviderOptions("google", new JsonObject { ["parameters"] = new JsonObject { ["language"] = "en" } }));
        var parameters = Body(server)["parameters"]!;
        Assert.Equal((1, "en"), (parameters["sampleCount"]!.GetValue<int>(), parameters["language"]!.GetValue<string>()));

        await generator.GenerateAsync(new ImageGenerationRequest("x") { AspectRatio = new AspectRatio(16, 9) }.WithProviderOptions("google", new JsonObject { ["generationConfig"] = new JsonObject { ["imageConfig"] = new JsonObject { ["imageSize"] = "2K" } } }));
        var imageConfig = Body(server)["generationConfig"]!["imageConfig"]!;
        Assert.Equal(("16:9", "2K"), (imageConfig["aspectRatio"]!.GetValue<string>(), imageConfig["imageSize"]!.GetValue<string>()));
    }

    // A per-minute throttle: QuotaFailure names a PerMinute quota; RetryInfo carries the wait (PROVIDERS.md 13.4).
    private const string PerMinute = """{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_paid_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel","quotaValue":"10"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"17s"}]}}""";

    // A spent daily quota (QuotaFailure quotaId ...PerDay...), and spent prepaid credit (Gemini API billing message).
    private const string PerDay = """{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaValue":"250"}]}]}}""";
    private const string Depleted = """{"error":{"code":429,"message":"Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing.","status":"RESOURCE_EXHAUSTED"}}""";

    [Theory]
    [InlineData(PerDay)]
    [InlineData(Depleted)]
    public async Task SpentQuotaOrCredit_IsInsufficientCredits(string body)
    {
        var (generator, server) = Create();
        server.Then(() => Json(body, HttpStatusCode.TooManyRequests));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal((ImageGenerationErrorKind.InsufficientCredits, "RESOURCE_EXHAUSTED", false), (ex.Kind, ex.ProviderErrorCode, ex.IsTransient));
    }

    [Fact]
    public async Task ThroughDependencyInjection_TheRetryWaitsRetryInfoDelay_AndASpentQuotaIsNotRetried()
    {
        var time = new ManualTimeProvider();
        var server = new ScriptedHandler()
            .Then(() => Json(PerMinute, HttpStatusCode.TooManyRequests))
            .Then(GeminiImage)
            .Then(() => Json(PerDay, HttpStatusCode.TooManyRequests));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddImageGeneration().AddGoogle(o => o.ApiKey = Key, configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();

        await AssertRetryRulesAsync(generator, server, time);
    }

    [Fact]
    public async Task ThroughTheNewConstructor_TheSameRetryRulesApply()
    {
        // The constructors that build their own client use GoogleImageGenerator.Resilience(), as DI does.
        var time = new ManualTimeProvider();
        var server = new ScriptedHandler()
            .Then(() => Json(PerMinute, HttpStatusCode.TooManyRequests))
            .Then(GeminiImage)
            .Then(() => Json(PerDay, HttpStatusCode.TooManyRequests));
        var client = new HttpClient(new ImageGenerationResilienceHandler("google", GoogleImageGenerator.Resilience(), time) { InnerHandler = server });
        var generator = new GoogleImageGenerator(client, new GoogleImageGeneratorOptions { ApiKey = Key }, time, owned: true);

        await AssertRetryRulesAsync(generator, server, time);
    }

    private static async Task AssertRetryRulesAsync(IImageGenerator generator, ScriptedHandler server, ManualTimeProvider time)
    {
        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.True(result.Image.IsSuccess);
        Assert.Equal(2, server.Count);
        Assert.Contains(TimeSpan.FromSeconds(17), time.RequestedDelays);

        var spent = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.InsufficientCredits, spent.Kind);
        Assert.Equal(3, server.Count);
    }
}
