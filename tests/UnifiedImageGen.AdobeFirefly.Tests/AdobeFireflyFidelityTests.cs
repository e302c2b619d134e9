using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.AdobeFirefly.Tests;

/// <summary>
/// Issue 18 (Firefly part): what the Firefly API v3 accepts and answers (PROVIDERS.md 13.10), read against Adobe's
/// OpenAPI documents image_generation_async_v3.json, generative_fill_async_v3.json, generative_expand_async_v3.json and
/// upload_image.json, and the @adobe/firefly-apis ErrorCode enum.
/// </summary>
public class AdobeFireflyFidelityTests
{
    private const string StatusUrl = "https://firefly-api.adobe.io/v3/status/urn:ff:jobs:abc";
    private const string Secret = "p8e-FIREFLYSECRET0123456789";
    private static readonly byte[] Png = PngEncoder.Encode(new byte[16 * 16 * 4], 16, 16);

    private static (AdobeFireflyImageGenerator, ScriptedHandler, ManualTimeProvider) Create()
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var http = new HttpClient(server);
        var options = new AdobeFireflyImageGeneratorOptions { ApiKey = "client-id", ClientSecret = Secret };
        return (new AdobeFireflyImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "firefly"), time, owned: false), server, time);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Token() => Json("""{"access_token":"eyJ.t","expires_in":86399}""");

    private static HttpResponseMessage Started() => Json($$"""{"jobId":"urn:ff:jobs:abc","statusUrl":"{{StatusUrl}}","cancelUrl":"https://firefly-api.adobe.io/v3/cancel/urn:ff:jobs:abc"}""", HttpStatusCode.Accepted);

    private static HttpResponseMessage Done() => Json("""{"jobId":"urn:ff:jobs:abc","status":"succeeded","result":{"outputs":[{"seed":7,"image":{"url":"https://pre-signed-firefly-prod.s3.amazonaws.com/o.png?X-Amz-Signature=x"}}],"size":{"width":16,"height":16}}}""");

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static HttpResponseMessage Uploaded(string id) => Json($$"""{"images":[{"id":"{{id}}"}]}""");

    private static JsonNode Body(RecordedRequest request) => JsonNode.Parse(request.Body)!;

    private static RecordedRequest Find(ScriptedHandler server, string path) => server.Requests.Single(r => r.Uri.AbsolutePath == path);

    // ---- Item 1: sizes per model ----

    [Theory]
    // image_generation_async_v3.json GenerateImagesRequestV3.size: image4 takes only 2048x2048, 2304x1792, 1792x2304, 2688x1536, 1440x2560.
    [InlineData("image4_standard", 1440, 2560)]
    [InlineData("image4_ultra", 2688, 1536)]
    [InlineData("image4_custom", 2304, 1792)]
    // ... image3 adds 1024x1024, 2688x1512, 1344x768, 1344x756, 1152x896, 896x1152.
    [InlineData("image3", 2688, 1512)]
    [InlineData("image3", 1344, 756)]
    [InlineData("image3", 896, 1152)]
    [InlineData("image3_custom", 1024, 1024)]
    public void Models_ListTheSpecSizes(string model, int width, int height)
    {
        var (generator, _, _) = Create();
        Assert.Contains(new ImageSize(width, height), generator.Metadata.GetModel(model).SupportedSizes);
        Assert.Equal(model.StartsWith("image4", StringComparison.Ordinal) ? 5 : 10, generator.Metadata.GetModel(model).SupportedSizes.Count);
    }

    [Fact]
    public async Task Image4_SnapsAnUnlistedSize_ToTheNearest_WithAWarning()
    {
        // image_generation_async_v3.json size: 1024x1024 is an image3 size only; image4's nearest square is 2048x2048.
        var (generator, server, time) = Create();
        server.Then(Token).Then(Started).Then(Done).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "image4_standard", Size = new ImageSize(1024, 1024) }));
        Assert.Equal(2048, Body(Find(server, "/v3/images/generate-async"))["size"]!["width"]!.GetValue<int>());
        Assert.Contains(result.Warnings, w => w.Setting == "Size" && w.Message.Contains("2048x2048", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Image4_9By16Aspect_Is1440x2560()
    {
        // image_generation_async_v3.json size: image4's (9:16) size is 1440x2560.
        var (generator, server, time) = Create();
        server.Then(Token).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "image4_ultra", AspectRatio = AspectRatio.Parse("9:16") }));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"width":1440,"height":2560}"""), Body(Find(server, "/v3/images/generate-async"))["size"]));
    }

    // ---- Item 2: errors ----

    [Theory]
    // @adobe/firefly-apis ErrorCode: prompt_unsafe, input_media_unsafe, output_media_unsafe; 451 from upload_image.json.
    [InlineData(400, "prompt_unsafe")]
    [InlineData(400, "input_media_unsafe")]
    [InlineData(400, "output_media_unsafe")]
    [InlineData(451, "legal_error")]
    public async Task UnsafeCodes_And451_AreContentPolicy_NotTransient_AndDoNotFallBackByDefault(int status, string code)
    {
        var (generator, server, time) = Create();
        server.Then(Token).Then(() => Json($$"""{"error_code":"{{code}}","message":"Refused"}""", (HttpStatusCode)status));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((ImageGenerationErrorKind.ContentPolicy, false, code), (ex.Kind, ex.IsTransient, ex.ProviderErrorCode));
        Assert.False(new FallbackOptions().MovesOn(ex.Kind));
        Assert.True(new FallbackOptions { FallbackOnContentPolicy = true }.MovesOn(ex.Kind));
        Assert.Equal(2, server.Count);
    }

    [Fact]
    public async Task FailedJob_WithAnUnsafeCode_IsContentPolicy()
    {
        // AsyncApiErrorV3 (status of a failed job) carries error_code; prompt_unsafe is a refusal (@adobe/firefly-apis ErrorCode).
        var (generator, server, time) = Create();
        server.Then(Token).Then(Started).Then(() => Json("""{"jobId":"urn:ff:jobs:abc","status":"failed","error_code":"output_media_unsafe","message":"Unsafe output"}"""));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, ex.Kind);
    }

    [Theory]
    // image_generation_async_v3.json 403: {error_code: access_error} with header x-access-error.
    [InlineData("quota_exhausted", ImageGenerationErrorKind.InsufficientCredits)]
    [InlineData("user_non_entitled", ImageGenerationErrorKind.PermissionDenied)]
    [InlineData("user_profile_denied", ImageGenerationErrorKind.PermissionDenied)]
    [InlineData("invalid_ims_scope", ImageGenerationErrorKind.Authentication)]
    public async Task Forbidden_IsClassifiedByTheAccessErrorHeader(string reason, ImageGenerationErrorKind kind)
    {
        var (generator, server, time) = Create();
        server.Then(Token).Then(() =>
        {
            var response = Json("""{"error_code":"access_error"}""", HttpStatusCode.Forbidden);
            response.Headers.Add("x-access-error", reason);
            return response;
        });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((kind, reason, false), (ex.Kind, ex.ProviderErrorCode, ex.IsTransient));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationErrors_NameTheFieldAndProblem_WithoutThePromptOrSecrets()
    {
        // image_generation_async_v3.json 422 example: {error_code: validation_error, validation_errors: [{loc, msg, type, ctx}]}.
        const string prompt = "a very private product codename zebra-42";
        var (generator, server, time) = Create();
        server.Then(Token).Then(() => Json($$$"""{"error_code":"validation_error","validation_errors":[{"loc":["body","contentClass"],"msg":"value is not a valid enumeration member; permitted: 'photo', 'art'","type":"type_error.enum","ctx":{"given":"{{{prompt}}} {{{Secret}}}"}}]}""", HttpStatusCode.UnprocessableEntity));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync(prompt)));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("body.contentClass: value is not a valid enumeration member", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(prompt, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongPrompts_AreRefusedBeforeAnyCall()
    {
        // GenerateImagesRequestV3: prompt and negativePrompt maxLength 1024.
        var (generator, server, _) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new string('a', 1025)));
        Assert.Contains("1,024", ex.Message, StringComparison.Ordinal);
        var negative = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { NegativePrompt = new string('a', 1025) }));
        Assert.Contains("NegativePrompt", negative.Message, StringComparison.Ordinal);
        Assert.Contains("1024", negative.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    // ---- Item 3: inputs ----

    [Fact]
    public async Task ByteInputs_AreUploadedAsRawBodies_AndReferencedByUploadId()
    {
        // upload_image.json: POST /v2/storage/image, body image/png|jpeg|webp, answers {images:[{id}]}; PublicBinaryInputV3.uploadId.
        var (generator, server, time) = Create();
        server.Then(Token).Then(() => Uploaded("up-1")).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(Png)] }));
        var upload = Find(server, "/v2/storage/image");
        Assert.Equal(("image/png", Png.Length, null), (upload.ContentType, upload.Body.Length, upload.Header("x-model-version")));
        Assert.Equal("up-1", Body(Find(server, "/v3/images/generate-async"))["style"]!["imageReference"]!["source"]!["uploadId"]!.GetValue<string>());
    }

    [Theory]
    // PublicBinaryInputV3.url: only amazonaws.com, windows.net, dropboxusercontent.com, storage.googleapis.com.
    [InlineData("https://bucket.s3.us-east-1.amazonaws.com/a.png?X-Amz-Signature=s")]
    [InlineData("https://acct.blob.core.windows.net/c/a.png?sig=s")]
    [InlineData("https://dl.dropboxusercontent.com/s/a.png")]
    [InlineData("https://storage.googleapis.com/b/a.png?X-Goog-Signature=s")]
    public async Task UrlsOnAcceptedHosts_AreSentAsUrls(string url)
    {
        var (generator, server, time) = Create();
        server.Then(Token).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromUri(new Uri(url))] }));
        Assert.Equal(url, Body(Find(server, "/v3/images/generate-async"))["style"]!["imageReference"]!["source"]!["url"]!.GetValue<string>());
        Assert.DoesNotContain(server.Requests, r => r.Uri.AbsolutePath == "/v2/storage/image");
    }

    [Fact]
    public async Task UrlsElsewhere_AreDownloadedThenUploaded()
    {
        // PublicBinaryInputV3.url refuses other hosts (e.g. evilamazonaws.com is not amazonaws.com): download, then upload_image.json.
        var (generator, server, time) = Create();
        server.Then(Image).Then(Token).Then(() => Uploaded("up-2")).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromUri(new Uri("https://cdn.evilamazonaws.com/a.png"))] }));
        var requests = server.Requests.ToArray();
        Assert.Equal(("https://cdn.evilamazonaws.com/a.png", null), (requests[0].Uri.ToString(), requests[0].Header("Authorization")));
        Assert.Equal("/v2/storage/image", requests[2].Uri.AbsolutePath);
        Assert.Equal("up-2", Body(Find(server, "/v3/images/generate-async"))["style"]!["imageReference"]!["source"]!["uploadId"]!.GetValue<string>());
    }

    [Fact]
    public async Task UploadLimits_AreCheckedBeforeAnyCall()
    {
        // upload_image.json: PNG/JPEG/WEBP, at most 15MB.
        var (generator, server, _) = Create();
        var gif = ImageInput.FromBytes("GIF89a\u0001\u0000\u0001\u0000"u8.ToArray(), "image/gif");
        var type = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [gif] }));
        Assert.Contains("request.InputImages[0] is image/gif", type.Message, StringComparison.Ordinal);
        var big = new byte[(15 * 1024 * 1024) + 1];
        Png.CopyTo(big, 0);
        var size = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.Inpaint, InputImages = [ImageInput.FromBytes(Png)], Mask = ImageInput.FromBytes(big, "image/png") }));
        Assert.Contains("request.Mask", size.Message, StringComparison.Ordinal);
        Assert.Contains("15 MB", size.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    // ---- Item 4: custom models ----

    [Fact]
    public async Task CustomModels_SendCustomModelIdInTheBody_AndTheModelInXModelVersion()
    {
        // image_generation_async_v3.json: x-model-version image4_custom "a customModelId must also be passed in the request body".
        var (generator, server, time) = Create();
        server.Then(Token).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "image4_custom" }
            .WithProviderOptions("firefly", new AdobeFireflyRequestOptions { CustomModelId = "urn:aaid:sc:cm:123", UpsamplerType = "low_creativity" })));
        var create = Find(server, "/v3/images/generate-async");
        Assert.Equal("image4_custom", create.Header("x-model-version"));
        Assert.Equal(("urn:aaid:sc:cm:123", "low_creativity"), (Body(create)["customModelId"]!.GetValue<string>(), Body(create)["upsamplerType"]!.GetValue<string>()));

        var (other, otherServer, _) = Create();
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => other.GenerateAsync(new ImageGenerationRequest("x") { Model = "image3_custom" }));
        Assert.Contains("CustomModelId", missing.Message, StringComparison.Ordinal);
        Assert.Equal(0, otherServer.Count);
    }

    // ---- Item 5: fill and expand ----

    [Fact]
    public async Task Inpaint_IsFill_WithImageAndMaskUploaded()
    {
        // generative_fill_async_v3.json: POST /v3/images/fill-async, FillImageRequestV3 {image:{source}, mask:{source, invert}, prompt, negativePrompt, numVariations, size}; no x-model-version parameter.
        var (generator, server, time) = Create();
        server.Then(Token).Then(() => Uploaded("img")).Then(() => Uploaded("msk")).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a red door") { Operation = ImageOperation.Inpaint, InputImages = [ImageInput.FromBytes(Png)], Mask = ImageInput.FromBytes(Png), NegativePrompt = "text", Size = new ImageSize(1024, 1024) }
            .WithProviderOptions("firefly", new AdobeFireflyRequestOptions { InvertMask = true })));
        var fill = Find(server, "/v3/images/fill-async");
        Assert.Null(fill.Header("x-model-version"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"numVariations":1,"prompt":"a red door","size":{"width":1024,"height":1024},"negativePrompt":"text","image":{"source":{"uploadId":"img"}},"mask":{"source":{"uploadId":"msk"},"invert":true}}"""), Body(fill)), fill.BodyText);
    }

    [Fact]
    public async Task Inpaint_SnapsToFillSizes_AndNeedsAMask()
    {
        // FillImageRequestV3.size lists 2048x2048 ... 896x1152 (no 1440x2560).
        var (generator, server, time) = Create();
        var noMask = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.Inpaint, InputImages = [ImageInput.FromBytes(Png)] }));
        Assert.Contains("request.Mask", noMask.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);

        server.Then(Token).Then(() => Uploaded("img")).Then(() => Uploaded("msk")).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.Inpaint, InputImages = [ImageInput.FromBytes(Png)], Mask = ImageInput.FromBytes(Png), Size = new ImageSize(1440, 2560) }));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"width":1792,"height":2304}"""), Body(Find(server, "/v3/images/fill-async"))["size"]));
    }

    [Fact]
    public async Task Outpaint_IsExpand_WithPlacement()
    {
        // generative_expand_async_v3.json: POST /v3/images/expand-async, ExpandImageRequestV3 {image, placement {alignment, inset}, prompt, size <= 3999}; no negativePrompt.
        var (generator, server, time) = Create();
        server.Then(Token).Then(Started).Then(Done).Then(Image);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a beach") { Operation = ImageOperation.Outpaint, InputImages = [ImageInput.FromUri(new Uri("https://b.s3.amazonaws.com/a.png"))], Size = new ImageSize(3999, 2000), NegativePrompt = "x" }
            .WithProviderOptions("firefly", new AdobeFireflyRequestOptions { Placement = new AdobeFireflyPlacement("left", "bottom") })));
        var expand = Find(server, "/v3/images/expand-async");
        Assert.Null(expand.Header("x-model-version"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"numVariations":1,"prompt":"a beach","size":{"width":3999,"height":2000},"image":{"source":{"url":"https://b.s3.amazonaws.com/a.png"}},"placement":{"alignment":{"horizontal":"left","vertical":"bottom"}}}"""), Body(expand)), expand.BodyText);
    }

    [Fact]
    public async Task Outpaint_RefusesMaskAndPlacementTogether()
    {
        // ExpandImageRequestV3.placement: "you cannot use placement for source images when you also apply a mask image".
        var (generator, server, _) = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.Outpaint, InputImages = [ImageInput.FromBytes(Png)], Mask = ImageInput.FromBytes(Png) }
            .WithProviderOptions("firefly", new AdobeFireflyRequestOptions { Placement = new AdobeFireflyPlacement(Inset: new AdobeFireflyInset(10, 10, 10, 10)) })));
        Assert.Equal(0, server.Count);
    }
}
