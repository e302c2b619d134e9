using System.Net;
using System.Text.Json.Nodes;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Fal.Tests.FalTestHost;

namespace UnifiedImageGen.Fal.Tests;

// Issue 17, fal: FLUX pro, Kontext and FLUX.2 mappings and input upload to fal storage. Expected fields come from fal-js
// @ 381105e (2026-08-02) libs/client/src/types/endpoints.ts (the input type named in each test) and
// libs/client/src/storage.ts (initiateUpload, createStorageClient.upload); PROVIDERS.md 4.4 and 13.6.
public class FalFluxProAndStorageTests
{
    private static HttpResponseMessage Submitted() =>
        Json($$"""{"request_id":"{{RequestId}}","response_url":"https://queue.fal.run/fal-ai/x/requests/{{RequestId}}","status_url":"https://queue.fal.run/fal-ai/x/requests/{{RequestId}}/status","cancel_url":"https://queue.fal.run/fal-ai/x/requests/{{RequestId}}/cancel"}""");

    private static async Task<JsonObject> SubmittedBody(ImageGenerationRequest request, Action<FalImageGeneratorOptions>? configure = null)
    {
        var (generator, server, _) = Create(configure);
        server.Then(Submitted);
        await generator.StartAsync(request);
        return JsonNode.Parse(server.Requests.Single().Body)!.AsObject();
    }

    private static ImageGenerationRequest Edit(string model, params ImageInput[] images) =>
        new("make it night") { Model = model, Operation = ImageOperation.ImageToImage, InputImages = images };

    // FluxProV11UltraInput: aspect_ratio enum "21:9" ... "9:21", raw, enhance_prompt, safety_tolerance "1"-"6" (a string),
    // image_url + image_prompt_strength; it has no image_size, and num_images has no documented range (one per call).
    [Fact]
    public async Task Ultra_SendsTheAspectRatioEnum_RawToleranceAndImagePrompt_AndNoImageSize()
    {
        var options = new FalRequestOptions { Raw = true, SafetyTolerance = 3, EnhancePrompt = true, ImagePromptStrength = 0.4 };
        var request = Edit(FalModels.FluxProV11Ultra, ImageInput.FromUri(new Uri("https://example.com/ref.png"))) with { Size = new ImageSize(2520, 1080) };
        var body = await SubmittedBody(request.WithProviderOptions("fal", options));
        Assert.Equal("21:9", (string?)body["aspect_ratio"]);
        Assert.Equal(("3", true, true, 0.4), ((string?)body["safety_tolerance"], (bool?)body["raw"], (bool?)body["enhance_prompt"], (double?)body["image_prompt_strength"]));
        Assert.Equal("https://example.com/ref.png", (string?)body["image_url"]);
        Assert.False(body.ContainsKey("image_size") || body.ContainsKey("num_images") || body.ContainsKey("strength"));
        Assert.Equal(1, FalModels.All.Single(m => m.Id == FalModels.FluxProV11Ultra).MaxImagesPerCall);
    }

    // FluxKontextInput: image_url is required; aspect_ratio from the same enum; guidance_scale; no num_inference_steps.
    [Fact]
    public async Task Kontext_EditsItsOneInputImage_WithGuidanceAndTheRatioSpelledAsTheEnum()
    {
        var request = Edit(FalModels.FluxProKontext, ImageInput.FromBytes(Jpeg)) with { AspectRatio = new AspectRatio(9, 21), GuidanceScale = 4, Steps = 30 };
        var (generator, server, _) = Create();
        server.Then(Submitted);
        var job = await generator.StartAsync(request);
        var body = JsonNode.Parse(server.Requests.Single().Body)!.AsObject();
        Assert.Equal(("9:21", 4.0), ((string?)body["aspect_ratio"], (double?)body["guidance_scale"]));
        Assert.StartsWith("data:image/png;base64,", (string?)body["image_url"], StringComparison.Ordinal);
        Assert.False(body.ContainsKey("num_inference_steps"));

        // Without an input image Kontext has nothing to edit: refused before any request.
        var refused = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(new ImageGenerationRequest("x") { Model = FalModels.FluxProKontext }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, refused.Kind);
        Assert.Equal(1, server.Count);
    }

    // FluxProKontextTextToImageInput: Kontext without image_url.
    [Fact]
    public async Task KontextTextToImage_TakesAPromptAlone()
    {
        var body = await SubmittedBody(new ImageGenerationRequest("a lighthouse") { Model = FalModels.FluxProKontextMaxTextToImage, AspectRatio = AspectRatio.Landscape16x9 });
        Assert.Equal("16:9", (string?)body["aspect_ratio"]);
        Assert.False(body.ContainsKey("image_url"));
    }

    // Flux2MaxInput (= Flux2ProInput): image_size, seed, safety_tolerance "1"-"5", output_format jpeg|png; no num_images,
    // num_inference_steps or guidance_scale.
    [Fact]
    public async Task Flux2Pro_ToleranceAboveFive_IsRefusedBeforeSending_AndStepsAndGuidanceAreWarnedAndDropped()
    {
        var (generator, server, _) = Create();
        var tooLoose = new ImageGenerationRequest("x") { Model = FalModels.Flux2Pro }.WithProviderOptions("fal", new FalRequestOptions { SafetyTolerance = 6 });
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.StartAsync(tooLoose));
        Assert.Contains("1 (strictest) to 5", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);

        var body = await SubmittedBody(new ImageGenerationRequest("x") { Model = FalModels.Flux2Pro, Size = new ImageSize(1024, 1024), Steps = 20, GuidanceScale = 3, Seed = 7 });
        Assert.Equal(("square_hd", 7L), ((string?)body["image_size"], (long?)body["seed"]));
        Assert.False(body.ContainsKey("num_images") || body.ContainsKey("num_inference_steps") || body.ContainsKey("guidance_scale"));
    }

    // Flux2EditInput: image_urls, "a maximum of 4 images"; output_format jpeg|png|webp; enable_prompt_expansion.
    [Fact]
    public async Task Flux2Edit_SendsImageUrls_TakesWebp_AndSendsAtMostFourImages()
    {
        var request = Edit(FalModels.Flux2Edit, ImageInput.FromUri(new Uri("https://example.com/a.png")), ImageInput.FromUri(new Uri("https://example.com/b.png"))) with { OutputFormat = ImageFormat.Webp };
        var body = await SubmittedBody(request.WithProviderOptions("fal", new FalRequestOptions { EnhancePrompt = false }));
        Assert.Equal(["https://example.com/a.png", "https://example.com/b.png"], body["image_urls"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(("webp", false), ((string?)body["output_format"], (bool?)body["enable_prompt_expansion"]));

        // Five: the first four are sent, as fal itself would use them; under Throw the request is refused before sending.
        var five = Edit(FalModels.Flux2Edit, [.. Enumerable.Range(0, 5).Select(i => ImageInput.FromUri(new Uri($"https://example.com/{i}.png")))]);
        Assert.Equal(4, (await SubmittedBody(five))["image_urls"]!.AsArray().Count);
        var (strict, server, _) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);
        await Assert.ThrowsAsync<ImageGenerationException>(() => strict.StartAsync(five));
        Assert.Equal(0, server.Count);
    }

    // storage.ts: initiateUpload POSTs {content_type, file_name} to {rest}/storage/upload/initiate?storage_type=fal-cdn-v3
    // with the key (request.ts sends "Authorization: Key ..."), then upload() PUTs the bytes to upload_url with their
    // Content-Type and no key; the endpoint gets file_url.
    [Fact]
    public async Task LargeInputBytes_AreUploadedToFalStorage_AndTheEndpointGetsTheFileUrl_WithoutTheKeyGoingToStorage()
    {
        var (generator, server, _) = Create(o => o.InlineInputMaxBytes = 16);
        server.Then(() => Json("""{"upload_url":"https://storage.example.com/upload/abc?sig=1","file_url":"https://v3.fal.media/files/abc.png"}"""))
            .Then(() => new HttpResponseMessage(HttpStatusCode.OK))
            .Then(Submitted);
        await generator.StartAsync(Edit(FalModels.FluxProKontext, ImageInput.FromBytes(Jpeg)));
        var (initiate, put, submit) = server.Requests.ToArray() switch { [var a, var b, var c] => (a, b, c), var all => throw new Xunit.Sdk.XunitException($"{all.Length} requests") };

        Assert.Equal((HttpMethod.Post, "https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3", $"Key {Key}"), (initiate.Method, initiate.Uri.ToString(), initiate.Header("Authorization")));
        var slot = JsonNode.Parse(initiate.Body)!.AsObject();
        Assert.Equal("image/png", (string?)slot["content_type"]);
        Assert.Matches("^input-[0-9a-f]{32}\\.png$", (string?)slot["file_name"]);

        Assert.Equal((HttpMethod.Put, "https://storage.example.com/upload/abc?sig=1", "image/png", (string?)null), (put.Method, put.Uri.ToString(), put.ContentType, put.Header("Authorization")));
        Assert.Equal(Jpeg, put.Body);

        Assert.Equal("https://v3.fal.media/files/abc.png", (string?)JsonNode.Parse(submit.Body)!["image_url"]);
    }

    [Fact]
    public async Task SmallInputBytes_StayInlineAsDataUris_WithNoUpload()
    {
        var body = await SubmittedBody(Edit(FalModels.FluxProKontext, ImageInput.FromBytes(Jpeg)));
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Jpeg), (string?)body["image_url"]);
    }

    // A refused upload is the provider's typed error, and nothing is submitted (nothing billed).
    [Fact]
    public async Task ARefusedUpload_IsATypedError_AndNothingIsSubmitted()
    {
        var (generator, server, _) = Create(o => o.InlineInputMaxBytes = 0);
        server.ThenStatus(HttpStatusCode.Unauthorized, """{"detail":"Invalid key"}""");
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(Edit(FalModels.FluxProKontext, ImageInput.FromBytes(Jpeg))));
        Assert.Equal(ImageGenerationErrorKind.Authentication, ex.Kind);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    // Storage must answer https URLs: an http upload_url would send the image in the clear.
    [Fact]
    public async Task AnUploadUrlThatIsNotHttps_IsRefused_BeforeTheBytesAreSent()
    {
        var (generator, server, _) = Create(o => o.InlineInputMaxBytes = 0);
        server.Then(() => Json("""{"upload_url":"http://storage.example.com/upload/abc","file_url":"https://v3.fal.media/files/abc.png"}"""));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(Edit(FalModels.FluxProKontext, ImageInput.FromBytes(Jpeg))));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.Single(server.Requests);
    }
}
