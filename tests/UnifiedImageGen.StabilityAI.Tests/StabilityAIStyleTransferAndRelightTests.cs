using System.Net;
using System.Text;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

using static UnifiedImageGen.StabilityAI.Tests.StabilityTestHost;

namespace UnifiedImageGen.StabilityAI.Tests;

// Issue 17: control/style-transfer and edit/replace-background-and-relight. Sources, cited per test: the Stability v2beta
// spec as mirrored in tryAGI/StabilityAI (generated IControlClient.CreateStableImageControlStyleTransfer and
// IEditClient.CreateStableImageEditReplaceBackgroundAndRelight, whose doc comments carry the spec's descriptions), and
// PROVIDERS.md 2.3, 2.6 and 13.3.
public class StabilityAIStyleTransferAndRelightTests
{
    private const string JobId = "a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4";
    private static readonly byte[] StylePng = PngEncoder.Encode(new byte[80 * 80 * 4], 80, 80);
    private static readonly ImageInput Style = ImageInput.FromBytes(StylePng);

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        response.Headers.TryAddWithoutValidation("seed", "343940597");
        response.Headers.TryAddWithoutValidation("finish-reason", "SUCCESS");
        return response;
    }

    private static ImageGenerationRequest StyleTransfer(StabilityAIRequestOptions? options = null, string? prompt = "a glowing robot") =>
        new ImageGenerationRequest { Prompt = prompt, Model = "style-transfer", Operation = ImageOperation.ImageToImage, InputImages = [Photo, Style] }
            .WithProviderOptions("stability", options ?? new StabilityAIRequestOptions());

    private static ImageGenerationRequest Relight(StabilityAIRequestOptions? options = null, string? prompt = "a sunny beach") =>
        new ImageGenerationRequest { Prompt = prompt, Model = "replace-background-and-relight", Operation = ImageOperation.ImageToImage, InputImages = [Photo] }
            .WithProviderOptions("stability", options ?? new StabilityAIRequestOptions());

    // Spec mirror, CreateStableImageControlStyleTransfer: POST multipart with init_image and style_image required; prompt,
    // negative_prompt, style_strength, composition_fidelity, change_strength, seed, output_format optional; a synchronous image.
    [Fact]
    public async Task StyleTransfer_SendsInitAndStyleImagesAndItsStrengths_AsMultipartFields()
    {
        var (generator, server, time) = Create();
        server.Then(Image);
        var request = StyleTransfer(new StabilityAIRequestOptions { StyleStrength = 0.8, CompositionFidelity = 0.95, ChangeStrength = 0.5 }) with { NegativePrompt = "blur", Seed = 7, OutputFormat = ImageFormat.Webp };

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var sent = server.Requests.Single();
        Assert.Equal((HttpMethod.Post, "https://api.stability.ai/v2beta/stable-image/control/style-transfer", "image/*"), (sent.Method, sent.Uri.ToString(), sent.Header("Accept")));
        var parts = MultipartParser.Parse(sent);
        Assert.Equal(["prompt", "negative_prompt", "seed", "output_format", "style_strength", "composition_fidelity", "change_strength", "init_image", "style_image"], parts.Select(p => p.Name));
        Assert.Equal(["a glowing robot", "blur", "7", "webp", "0.8", "0.95", "0.5"], parts.Take(7).Select(p => p.Text));
        Assert.All(parts.Take(7), p => Assert.Null(p.ContentType));
        var byName = parts.ToDictionary(p => p.Name);
        Assert.Equal(("init_image.png", "image/png"), (byName["init_image"].FileName, byName["init_image"].ContentType));
        Assert.Equal(("style_image.png", "image/png"), (byName["style_image"].FileName, byName["style_image"].ContentType));
        Assert.Equal(Png, byName["init_image"].Data);
        Assert.Equal(StylePng, byName["style_image"].Data);

        // Spec mirror: "Flat rate of 8 credits per successful generation".
        Assert.Equal(("style-transfer", 8d, 0.08m), (result.Model, result.Usage!.Credits!.Value, result.Cost!.EstimatedUsd));
        Assert.Empty(result.Warnings);
    }

    // Spec mirror: prompt is optional for style-transfer ("The body may optionally include: prompt").
    [Fact]
    public async Task StyleTransfer_WithoutAPrompt_SendsNoPromptPart()
    {
        var (generator, server, time) = Create();
        server.Then(Image);
        await time.RunAsync(generator.GenerateAsync(StyleTransfer(prompt: null)));
        Assert.Equal(["init_image", "style_image"], MultipartParser.Parse(server.Requests.Single()).Select(p => p.Name));
    }

    // Spec mirror: style_image is required.
    [Fact]
    public async Task StyleTransfer_WithOneInputImage_IsRefusedBeforeSending()
    {
        var (generator, server, _) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(StyleTransfer() with { InputImages = [Photo] }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("request.InputImages[1]", ex.Message);
        Assert.Equal(0, server.Count);
    }

    // style_strength 0-1 (spec mirror: 0 = identical to the input, 1 = as if no image); composition_fidelity 0-1 and
    // change_strength 0.1-1 from Comfy Router's published schema for this endpoint (the mirror gives defaults only).
    [Theory]
    [InlineData("StyleStrength", 1.1, "between 0 and 1")]
    [InlineData("StyleStrength", double.NaN, "between 0 and 1")]
    [InlineData("CompositionFidelity", -0.1, "between 0 and 1")]
    [InlineData("ChangeStrength", 0.05, "between 0.1 and 1")]
    public async Task StyleTransfer_StrengthsOutOfRange_AreRefusedBeforeSending_NamingTheSettingAndLimit(string setting, double value, string limit)
    {
        var (generator, server, _) = Create();
        var options = setting switch
        {
            "StyleStrength" => new StabilityAIRequestOptions { StyleStrength = value },
            "CompositionFidelity" => new StabilityAIRequestOptions { CompositionFidelity = value },
            _ => new StabilityAIRequestOptions { ChangeStrength = value },
        };
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(StyleTransfer(options)));
        Assert.Contains($"StabilityAIRequestOptions.{setting}", ex.Message);
        Assert.Contains(limit, ex.Message);
        Assert.Equal(0, server.Count);
    }

    // Spec mirror: init_image 64-16,383 px a side and between 1:2.5 and 2.5:1; style_image at least 64 px a side.
    [Fact]
    public async Task StyleTransfer_ImagesOutsideTheirLimits_AreRefusedBeforeSending()
    {
        var (generator, server, _) = Create();
        var wide = ImageInput.FromBytes(PngEncoder.Encode(new byte[200 * 64 * 4], 200, 64));
        var tiny = ImageInput.FromBytes(PngEncoder.Encode(new byte[48 * 48 * 4], 48, 48));

        var shape = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(StyleTransfer() with { InputImages = [wide, Style] }));
        Assert.Contains("between 1:2.5 and 2.5:1", shape.Message);
        var style = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(StyleTransfer() with { InputImages = [Photo, tiny] }));
        Assert.Contains("The style image (request.InputImages[1]) is 48x48", style.Message);
        Assert.Equal(0, server.Count);
    }

    // Spec mirror: style-transfer takes no aspect_ratio, strength, style_preset, cfg_scale or mask (output keeps init_image's ratio).
    [Fact]
    public async Task StyleTransfer_WarnsForUnifiedSettingsItDoesNotTake_AndSendsNoneOfThem()
    {
        var (generator, server, time) = Create();
        server.Then(Image);
        var request = StyleTransfer(new StabilityAIRequestOptions { StylePreset = "anime", ForegroundPrompt = "a man", LightSourceStrength = 0.5 })
            with { AspectRatio = new AspectRatio(16, 9), Strength = 0.4, GuidanceScale = 5, Mask = Photo, Size = new ImageSize(512, 512) };

        var result = await time.RunAsync(generator.GenerateAsync(request));

        Assert.Equal(
            ["AspectRatio", "ForegroundPrompt", "GuidanceScale", "LightSourceStrength", "Mask", "Size", "Strength", "StylePreset"],
            result.Warnings.Select(w => w.Setting).Order(StringComparer.Ordinal));
        Assert.Contains("StyleStrength or ChangeStrength", result.Warnings.Single(w => w.Setting == "Strength").Message);
        Assert.Equal(["prompt", "init_image", "style_image"], MultipartParser.Parse(server.Requests.Single()).Select(p => p.Name));
    }

    [Fact]
    public async Task StyleTransfer_UnderThrow_RefusesAnUnsupportedSettingBeforeSending()
    {
        var (generator, server, _) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(StyleTransfer() with { Strength = 0.4 }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal(0, server.Count);
    }

    // Spec mirror, CreateStableImageEditReplaceBackgroundAndRelight: async, returns {id}; PROVIDERS.md 2.6: poll
    // GET /v2beta/results/{id}, 202 {"status":"in-progress"} while running, 200 with the image when done, no faster than every 10 s.
    [Fact]
    public async Task Relight_IsStartedThenPolledOnResults_AndSendsEveryField()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json($$"""{"id":"{{JobId}}"}"""))
            .Then(() => Json($$"""{"id":"{{JobId}}","status":"in-progress"}""", HttpStatusCode.Accepted))
            .Then(Image);
        var background = ImageInput.FromBytes(StylePng);
        var light = ImageInput.FromBytes(PngEncoder.Encode(new byte[64 * 64 * 4], 64, 64));
        var request = Relight(new StabilityAIRequestOptions
        {
            ForegroundPrompt = "a husky",
            PreserveOriginalSubject = 0.8,
            OriginalBackgroundDepth = 0.4,
            KeepOriginalBackground = false,
            LightSourceDirection = "Above",
            LightSourceStrength = 0.7,
            BackgroundReference = background,
            LightReference = light,
        }) with { NegativePrompt = "dark", Seed = 11, OutputFormat = ImageFormat.Jpeg };
        var start = time.GetUtcNow();

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var requests = server.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal((HttpMethod.Post, "https://api.stability.ai/v2beta/stable-image/edit/replace-background-and-relight"), (requests[0].Method, requests[0].Uri.ToString()));
        var parts = MultipartParser.Parse(requests[0]);
        Assert.Equal(
            ["negative_prompt", "seed", "output_format", "background_prompt", "foreground_prompt", "preserve_original_subject", "original_background_depth", "keep_original_background", "light_source_direction", "light_source_strength", "subject_image", "background_reference", "light_reference"],
            parts.Select(p => p.Name));
        Assert.Equal(["dark", "11", "jpeg", "a sunny beach", "a husky", "0.8", "0.4", "false", "above", "0.7"], parts.Take(10).Select(p => p.Text));
        var byName = parts.ToDictionary(p => p.Name);
        Assert.Equal(("subject_image.png", "image/png"), (byName["subject_image"].FileName, byName["subject_image"].ContentType));
        Assert.Equal(Png, byName["subject_image"].Data);
        Assert.Equal(("background_reference.png", "image/png"), (byName["background_reference"].FileName, byName["background_reference"].ContentType));
        Assert.Equal(StylePng, byName["background_reference"].Data);
        Assert.Equal(("light_reference.png", "image/png"), (byName["light_reference"].FileName, byName["light_reference"].ContentType));
        Assert.All(requests[1..], r => Assert.Equal((HttpMethod.Get, $"https://api.stability.ai/v2beta/results/{JobId}"), (r.Method, r.Uri.ToString())));
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(10), time.RequestedDelays.First(d => d >= TimeSpan.FromSeconds(1)));

        // Spec mirror: "Flat rate of 8 credits per successful generation".
        Assert.Equal(("replace-background-and-relight", 0.08m, 343940597L), (result.Model, result.Cost!.EstimatedUsd, result.Image.Seed!.Value));
        Assert.Empty(result.Warnings);
    }

    // The job id names the endpoint as well as Stability's result id, so a job resumed elsewhere is priced as what it
    // is (relight 8 credits, not the creative upscale's 60); the results path still carries only Stability's id.
    [Fact]
    public async Task Relight_StartAsync_ReturnsModelAndResultId_AndResumingItReportsRunningThenSucceededAtItsPrice()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json($$"""{"id":"{{JobId}}"}"""))
            .Then(() => Json($$"""{"id":"{{JobId}}","status":"in-progress"}""", HttpStatusCode.Accepted))
            .Then(Image)
            .Then(Image);
        var job = await time.RunAsync(generator.StartAsync(Relight()));
        Assert.Equal(($"replace-background-and-relight/{JobId}", ImageJobStatus.Queued), (job.Id, job.Status));
        Assert.Equal(ImageJobStatus.Running, (await time.RunAsync(generator.GetJobAsync(job.Id))).Status);
        var resumed = await time.RunAsync(generator.WaitForCompletionAsync(job.Id));
        Assert.Equal(("replace-background-and-relight", 0.08m), (resumed.Model, resumed.Cost?.EstimatedUsd));
        Assert.All(server.Requests.Skip(1), r => Assert.Equal($"https://api.stability.ai/v2beta/results/{JobId}", r.Uri.ToString()));

        // A bare result id from elsewhere still resolves, but its endpoint (and so its price) is unknown: none is guessed.
        var bare = await time.RunAsync(generator.WaitForCompletionAsync(JobId));
        Assert.Equal(("unknown", (ImageCost?)null), (bare.Model, bare.Cost));
    }

    // Spec mirror: background_reference alone satisfies "background_prompt and/or background_reference".
    [Fact]
    public async Task Relight_WithABackgroundReferenceAndNoPrompt_SendsNoBackgroundPrompt()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"id":"abc"}"""));
        await time.RunAsync(generator.StartAsync(Relight(new StabilityAIRequestOptions { BackgroundReference = Style }, prompt: null)));
        Assert.Equal(["subject_image", "background_reference"], MultipartParser.Parse(server.Requests.Single()).Select(p => p.Name));
    }

    // Spec mirror: "either background_reference or background_prompt must be provided"; "light_source_strength (requires
    // light_reference or light_source_direction)"; light_source_direction is left|right|above|below (PROVIDERS.md 2.3);
    // preserve_original_subject, original_background_depth and light_source_strength are 0-1 (PROVIDERS.md 2.3).
    [Theory]
    [InlineData("no background", "request.Prompt (sent as background_prompt), StabilityAIRequestOptions.BackgroundReference")]
    [InlineData("strength alone", "LightSourceStrength needs StabilityAIRequestOptions.LightSourceDirection or LightReference")]
    public async Task Relight_BrokenRules_AreInvalidRequestsBeforeSending(string rule, string message)
    {
        var (generator, server, _) = Create();
        var request = rule == "no background" ? Relight(prompt: " ") : Relight(new StabilityAIRequestOptions { LightSourceStrength = 0.5 });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(request));
        Assert.Equal((ImageGenerationErrorKind.InvalidRequest, "replace-background-and-relight"), (ex.Kind, ex.Model));
        Assert.Contains(message, ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Theory]
    [InlineData("PreserveOriginalSubject", 1.5)]
    [InlineData("OriginalBackgroundDepth", -0.1)]
    [InlineData("LightSourceStrength", 2.0)]
    public async Task Relight_ValuesOutOfRange_AreRefusedBeforeSending_NamingTheSettingAndLimit(string setting, double value)
    {
        var (generator, server, _) = Create();
        var options = setting switch
        {
            "PreserveOriginalSubject" => new StabilityAIRequestOptions { PreserveOriginalSubject = value },
            "OriginalBackgroundDepth" => new StabilityAIRequestOptions { OriginalBackgroundDepth = value },
            _ => new StabilityAIRequestOptions { LightSourceStrength = value, LightSourceDirection = "left" },
        };
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.StartAsync(Relight(options)));
        Assert.Contains($"StabilityAIRequestOptions.{setting} must be between 0 and 1", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task Relight_AnUnknownLightDirection_IsAnArgumentExceptionListingTheFour()
    {
        var (generator, server, _) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.StartAsync(Relight(new StabilityAIRequestOptions { LightSourceDirection = "front" })));
        Assert.Contains("LightSourceDirection must be one of left, right, above, below; it is 'front'", ex.Message);
        Assert.Equal(0, server.Count);
    }

    // Spec mirror: subject_image between 1:2.5 and 2.5:1, references at least 64 px a side; images go as bytes.
    [Fact]
    public async Task Relight_ImagesOutsideTheirLimits_AreRefusedBeforeSending()
    {
        var (generator, server, _) = Create();
        var tall = ImageInput.FromBytes(PngEncoder.Encode(new byte[64 * 200 * 4], 64, 200));
        var tiny = ImageInput.FromBytes(PngEncoder.Encode(new byte[32 * 32 * 4], 32, 32));

        var shape = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(Relight() with { InputImages = [tall] }));
        Assert.Contains("between 1:2.5 and 2.5:1", shape.Message);
        var light = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(Relight(new StabilityAIRequestOptions { LightReference = tiny, LightSourceDirection = "left" })));
        Assert.Contains("StabilityAIRequestOptions.LightReference is 32x32", light.Message);
        var url = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(Relight(new StabilityAIRequestOptions { BackgroundReference = ImageInput.FromUri(new Uri("https://example.com/bg.png")) })));
        Assert.Contains("as bytes, not URLs", url.Message);
        Assert.Equal(0, server.Count);
    }

    // Spec mirror: the relight endpoint takes one subject image, no aspect_ratio, style_preset or style-transfer strengths.
    [Fact]
    public async Task Relight_WarnsForUnifiedSettingsItDoesNotTake()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"id":"abc"}""")).Then(Image);
        var request = Relight(new StabilityAIRequestOptions { StylePreset = "anime", StyleStrength = 0.5 }) with { InputImages = [Photo, Style], AspectRatio = new AspectRatio(1, 1), Strength = 0.3 };
        var result = await time.RunAsync(generator.GenerateAsync(request));
        Assert.Equal(["AspectRatio", "InputImages", "Strength", "StylePreset", "StyleStrength"], result.Warnings.Select(w => w.Setting).Order(StringComparer.Ordinal));
        Assert.Equal(["background_prompt", "subject_image"], MultipartParser.Parse(server.Requests.First()).Select(p => p.Name));
    }

    // Spec mirror: 8 credits each; the core's built-in catalog and the package's lines must agree (1 credit = $0.01).
    [Theory]
    [InlineData("style-transfer")]
    [InlineData("replace-background-and-relight")]
    public void BothCatalogs_PriceTheNewEndpointsAt8Credits(string model)
    {
        var request = new ImageGenerationRequest { Model = model };
        Assert.Equal(0.08m, new PriceCatalog(StabilityAIModels.PriceLines(), includeBuiltIn: false).Estimate("stability", model, request)!.EstimatedUsd);
        Assert.Equal(0.08m, PriceCatalog.Default.Estimate("stability", model, request)!.EstimatedUsd);
    }

    [Fact]
    public void Descriptors_SayWhatTheNewEndpointsCanDo()
    {
        var transfer = StabilityAIModels.All.Single(m => m.Id == "style-transfer");
        Assert.Equal(ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed, transfer.Capabilities);
        Assert.Equal(2, transfer.MaxInputImages);
        var relight = StabilityAIModels.All.Single(m => m.Id == "replace-background-and-relight");
        Assert.Equal(ImageCapabilities.ImageToImage | ImageCapabilities.Progress | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed, relight.Capabilities);
        Assert.Equal(1, relight.MaxInputImages);
    }

    [Fact]
    public void RequestOptions_ToString_PrintsPromptLengthsNotPrompts()
    {
        string text = new StabilityAIRequestOptions { ForegroundPrompt = "secret subject", SearchPrompt = "hidden", LightSourceDirection = "left" }.ToString();
        Assert.DoesNotContain("secret", text);
        Assert.DoesNotContain("hidden", text);
        Assert.Contains("ForegroundPromptLength = 14", text);
        Assert.Contains("LightSourceDirection = left", text);
    }

    // PROVIDERS.md 2.7: GET /v1/user/balance answers {"credits": n}; anything else is not a balance.
    [Fact]
    public async Task CreditBalance_WithoutACreditsNumber_IsAnUnexpectedResponse_AndA401IsAuthentication()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"balance":"lots"}"""))
            .Then(() => Json("""{"id":"x","name":"unauthorized","errors":["authorization: invalid or missing"]}""", HttpStatusCode.Unauthorized));
        var shape = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GetCreditBalanceAsync()));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, shape.Kind);
        var auth = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GetCreditBalanceAsync()));
        Assert.Equal(ImageGenerationErrorKind.Authentication, auth.Kind);
        Assert.DoesNotContain(Key, auth.Message);
    }
}
