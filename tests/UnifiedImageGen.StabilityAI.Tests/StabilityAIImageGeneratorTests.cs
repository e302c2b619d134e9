using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

using static UnifiedImageGen.StabilityAI.Tests.StabilityTestHost;

namespace UnifiedImageGen.StabilityAI.Tests;

public class StabilityAIImageGeneratorTests
{

    private static HttpResponseMessage Image(string finishReason = "SUCCESS", long seed = 343940597)
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        response.Headers.TryAddWithoutValidation("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("finish-reason", finishReason);
        response.Headers.TryAddWithoutValidation("x-request-id", "a1b2c3");
        return response;
    }

    [Fact]
    public async Task Core_SendsMultipartFieldsWithImageAccept_AndMapsTheHeaders()
    {
        var (generator, server, time) = Create(o => (o.ClientId, o.ClientVersion) = ("catalog-app", "2.1"));
        server.Then(() => Image());
        var request = new ImageGenerationRequest("a red fox") { AspectRatio = new AspectRatio(16, 9), Seed = 42, NegativePrompt = "blur", OutputFormat = ImageFormat.Webp, User = "shopper-7" }
            .WithProviderOptions("stability", new StabilityAIRequestOptions { StylePreset = "photographic" });

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var sent = server.Requests.Single();
        Assert.Equal((HttpMethod.Post, "https://api.stability.ai/v2beta/stable-image/generate/core"), (sent.Method, sent.Uri.ToString()));
        Assert.Equal($"Bearer {Key}", sent.Header("Authorization"));
        Assert.Equal("image/*", sent.Header("Accept"));
        Assert.Equal(("catalog-app", "2.1", "shopper-7"), (sent.Header("stability-client-id"), sent.Header("stability-client-version"), sent.Header("stability-client-user-id")));
        var parts = MultipartParser.Parse(sent);
        Assert.Equal(["prompt", "negative_prompt", "aspect_ratio", "seed", "output_format", "style_preset"], parts.Select(p => p.Name));
        Assert.Equal(["a red fox", "blur", "16:9", "42", "webp", "photographic"], parts.Select(p => p.Text));
        Assert.All(parts, p => Assert.Null(p.ContentType));

        var image = result.Image;
        Assert.Equal((343940597L, false, 96, 64), (image.Seed!.Value, image.ContentFlagged!.Value, image.Width!.Value, image.Height!.Value));
        Assert.Equal(("stability", "core", "a1b2c3"), (result.Provider, result.Model, result.ProviderRequestId));
        Assert.Equal((3d, 0.03m), (result.Usage!.Credits!.Value, result.Cost!.EstimatedUsd));
    }

    [Fact]
    public async Task JsonAccept_DecodesTheBase64Image()
    {
        var (generator, server, time) = Create(o => o.Accept = "application/json");
        server.Then(() => Json($$"""{"image":"{{Convert.ToBase64String(Png)}}","seed":7,"finish_reason":"SUCCESS"}"""));
        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.Equal("application/json", server.Requests.Single().Header("Accept"));
        Assert.Equal(Png, result.Image.Data.ToArray());
        Assert.Equal(7L, result.Image.Seed);
    }

    [Fact]
    public async Task ContentFiltered_IsAFlaggedImageWithAWarning_NotAnError()
    {
        var (generator, server, time) = Create();
        server.Then(() => Image("CONTENT_FILTERED"));
        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.True(result.Image.ContentFlagged);
        Assert.Contains("CONTENT_FILTERED", Assert.Single(result.Warnings).Message);
    }

    [Fact]
    public async Task Size_BecomesTheNearestAspectRatio_WithAWarning()
    {
        var (generator, server, time) = Create();
        server.Then(() => Image());
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "ultra", Size = new ImageSize(1920, 1080) }));
        Assert.Equal("16:9", Parts(server.Requests.Single())["aspect_ratio"].Text);
        Assert.Equal(("Size", "16:9"), (result.Warnings.Single().Setting, result.Warnings.Single().AppliedValue));
        Assert.Equal("https://api.stability.ai/v2beta/stable-image/generate/ultra", server.Requests.Single().Uri.ToString());
    }

    [Fact]
    public async Task Sd3ImageToImage_SendsModelModeImageAndStrength()
    {
        var (generator, server, time) = Create();
        server.Then(() => Image());
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("night") { Model = "sd3.5-large-turbo", Operation = ImageOperation.ImageToImage, InputImages = [Photo], Strength = 0.4, GuidanceScale = 2 }));
        var sent = server.Requests.Single();
        Assert.Equal("https://api.stability.ai/v2beta/stable-image/generate/sd3", sent.Uri.ToString());
        var parts = Parts(sent);
        Assert.Equal(("sd3.5-large-turbo", "image-to-image", "0.4", "2"), (parts["model"].Text, parts["mode"].Text, parts["strength"].Text, parts["cfg_scale"].Text));
        Assert.Equal(("image.png", "image/png"), (parts["image"].FileName, parts["image"].ContentType));
        Assert.Equal(Png, parts["image"].Data);
    }

    [Fact]
    public async Task ImageToImage_WithoutAModel_GoesToAModelThatCanDoIt_AndStrengthIsRequiredTogetherWithTheImage()
    {
        var (generator, server, time) = Create();
        server.Then(() => Image());
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("night") { Operation = ImageOperation.ImageToImage, InputImages = [Photo] }));
        Assert.Equal("https://api.stability.ai/v2beta/stable-image/generate/ultra", server.Requests.Single().Uri.ToString());
        Assert.Equal("0.5", Parts(server.Requests.Single())["strength"].Text);
        Assert.Equal("Strength", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public async Task Inpaint_Outpaint_SearchAndReplace_AndRemoveBackground_SendTheirFields()
    {
        var (generator, server, time) = Create();
        server.Then(() => Image());
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a red hat") { Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = Photo }
            .WithProviderOptions("stability", new StabilityAIRequestOptions { GrowMask = 10 })));
        var inpaint = Parts(server.Requests.Last());
        Assert.EndsWith("/edit/inpaint", server.Requests.Last().Uri.AbsolutePath);
        Assert.Equal(("10", "mask.png", "image.png"), (inpaint["grow_mask"].Text, inpaint["mask"].FileName, inpaint["image"].FileName));

        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Outpaint, InputImages = [Photo], Size = new ImageSize(196, 64) }));
        var outpaint = Parts(server.Requests.Last());
        Assert.Equal(("50", "50", "0", "0"), (outpaint["left"].Text, outpaint["right"].Text, outpaint["up"].Text, outpaint["down"].Text));

        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a blue cat") { Model = "search-and-replace", Operation = ImageOperation.Inpaint, InputImages = [Photo] }
            .WithProviderOptions("stability", new StabilityAIRequestOptions { SearchPrompt = "dog" })));
        Assert.Equal("dog", Parts(server.Requests.Last())["search_prompt"].Text);

        var removed = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.RemoveBackground, InputImages = [Photo], OutputFormat = ImageFormat.Jpeg }));
        var rb = Parts(server.Requests.Last());
        Assert.EndsWith("/edit/remove-background", server.Requests.Last().Uri.AbsolutePath);
        Assert.Equal("png", rb["output_format"].Text);
        Assert.Equal("OutputFormat", removed.Warnings.Single().Setting);
        Assert.False(rb.ContainsKey("prompt"));
    }

    [Fact]
    public async Task EditInputsThatBreakTheRules_AreRefusedBeforeSending()
    {
        var (generator, server, time) = Create();
        var tiny = ImageInput.FromBytes(PngEncoder.Encode(new byte[8 * 8 * 4], 8, 8));
        var small = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.Inpaint, InputImages = [tiny] }));
        Assert.Contains("takes sides 64", small.Message);
        await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Outpaint, InputImages = [Photo] }));
        await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "search-and-replace", Operation = ImageOperation.Inpaint, InputImages = [Photo] }));
        var seed = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 4_294_967_295 }));
        Assert.Contains("between 0 and 4294967294", seed.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "sketch", Operation = ImageOperation.ImageToImage, InputImages = [Photo] }
            .WithProviderOptions("stability", new StabilityAIRequestOptions { ControlStrength = 1.5 })));
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task RequestsOverTenMebibytes_AreRefusedBeforeSending()
    {
        var (generator, server, _) = Create();
        byte[] big = new byte[11 * 1024 * 1024];
        Png.CopyTo(big, 0);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "sketch", Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(big)] }));
        Assert.Contains("10,485,760 bytes", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task CreativeUpscale_IsPolledEveryTenSecondsUntilDone()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"id":"a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4"}"""))
            .Then(() => Json("""{"id":"a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4","status":"in-progress"}""", HttpStatusCode.Accepted))
            .Then(() => Json("""{"id":"a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4","status":"in-progress"}""", HttpStatusCode.Accepted))
            .Then(() => Image());
        var start = time.GetUtcNow();
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("sharper") { Model = "upscale-creative", Operation = ImageOperation.Upscale, InputImages = [Photo] }));

        var requests = server.Requests.ToArray();
        Assert.EndsWith("/upscale/creative", requests[0].Uri.AbsolutePath);
        Assert.All(requests[1..], r => Assert.Equal((HttpMethod.Get, "https://api.stability.ai/v2beta/results/a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4"), (r.Method, r.Uri.ToString())));
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(10), time.RequestedDelays.First(d => d >= TimeSpan.FromSeconds(1)));
        Assert.Equal((0.6m, "upscale-creative"), (result.Cost!.EstimatedUsd, result.Model));
    }

    [Fact]
    public async Task CancellingWhilePolling_StopsPromptly()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"id":"abc"}""")).Then(() => Json("""{"id":"abc","status":"in-progress"}""", HttpStatusCode.Accepted));
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "upscale-creative", Operation = ImageOperation.Upscale, InputImages = [Photo] }, cts.Token);
        await time.AdvanceUntilAsync(() => server.Count >= 2);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "bad_request", "prompt: is required", ImageGenerationErrorKind.InvalidRequest)]
    [InlineData(HttpStatusCode.Unauthorized, "unauthorized", "authorization: invalid or missing", ImageGenerationErrorKind.Authentication)]
    [InlineData(HttpStatusCode.Forbidden, "content_moderation", "Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "body: payloads cannot be larger than 10MiB in size", ImageGenerationErrorKind.InvalidRequest)]
    [InlineData(HttpStatusCode.UnprocessableEntity, "invalid_language", "English is the only supported language for this service.", ImageGenerationErrorKind.InvalidRequest)]
    [InlineData(HttpStatusCode.UnprocessableEntity, "public_figure", "Our system detected the likeness of a public figure in your image.", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData(HttpStatusCode.TooManyRequests, "rate_limit_exceeded", "You have exceeded the rate limit of 150 requests within a 10 second period.", ImageGenerationErrorKind.RateLimited)]
    [InlineData(HttpStatusCode.PaymentRequired, "payment_required", "You lack sufficient credits to make this request.", ImageGenerationErrorKind.InsufficientCredits)]
    [InlineData(HttpStatusCode.InternalServerError, "internal_error", "An unexpected server error has occurred.", ImageGenerationErrorKind.ProviderUnavailable)]
    public async Task EveryErrorShape_MapsToItsKind_WithTheBodyIdAsRequestId(HttpStatusCode status, string name, string message, ImageGenerationErrorKind kind)
    {
        var (generator, server, time) = Create();
        server.Then(() => Json($$"""{"id":"3ff8d4a4e2e7d0b9d8a7c6b5a4f3e2d1","name":"{{name}}","errors":["{{message}}"]}""", status));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((kind, name, "3ff8d4a4e2e7d0b9d8a7c6b5a4f3e2d1"), (ex.Kind, ex.ProviderErrorCode, ex.ProviderRequestId));
        Assert.Contains(message[^10..], ex.Message);
        if (status == HttpStatusCode.TooManyRequests)
        {
            Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
        }

        if (status == HttpStatusCode.RequestEntityTooLarge)
        {
            Assert.Contains("10,485,760 bytes", ex.Message);
        }
    }

    [Fact]
    public async Task ThroughDependencyInjection_A429IsNotRetried()
    {
        var server = new ScriptedHandler().Then(() => Json("""{"id":"x","name":"rate_limit_exceeded","errors":["slow down"]}""", HttpStatusCode.TooManyRequests));
        var services = new ServiceCollection();
        services.AddImageGeneration().AddStabilityAI(o => o.ApiKey = Key, configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        using var provider = services.BuildServiceProvider();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => provider.GetRequiredService<IImageGenerator>().GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.RateLimited, ex.Kind);
        Assert.Equal(1, server.Count);
        Assert.NotNull(provider.GetRequiredKeyedService<IImageJobGenerator>("stability"));
    }
}
