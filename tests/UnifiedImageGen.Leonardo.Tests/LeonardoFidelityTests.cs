using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Leonardo.Tests.LeonardoTestHost;

namespace UnifiedImageGen.Leonardo.Tests;

/// <summary>
/// Issue 18 (Leonardo): what the real API accepts and answers. Sources: PROVIDERS.md 13.9, the leonardo-ts-sdk
/// (Speakeasy-generated from Leonardo's OpenAPI) and the docs.leonardo.ai model guides.
/// </summary>
public class LeonardoFidelityTests
{
    private static readonly byte[] Png = PngEncoder.Encode(new byte[16 * 16 * 4], 16, 16);

    private static HttpResponseMessage Created(string cost = "") => Json($$$"""{"sdGenerationJob":{"generationId":"{{{Id}}}"{{{cost}}}}}""");

    private static HttpResponseMessage Complete() => Json($$$"""{"generations_by_pk":{"id":"{{{Id}}}","status":"COMPLETE","generated_images":[{"id":"i1","url":"https://cdn.leonardo.ai/a.png","nsfw":false}]}}""");

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static ScriptedHandler OneGeneration(ScriptedHandler server, string cost = "") => server.Then(() => Created(cost)).Then(Complete).Then(Image);

    private static JsonNode Body(RecordedRequest request) => JsonNode.Parse(request.Body)!;

    // ---- Item 1: num_images 1-8, at most 4 when width or height > 768 ----

    /// <summary>Answers creates, polls and downloads by URL, so a split batch's concurrent calls need no fixed order.</summary>
    private sealed class RoutingServer(Func<JsonNode, bool>? fails = null) : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, (int Count, bool Fails)> _jobs = new();

        public ConcurrentQueue<JsonNode> Creates { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Post)
            {
                var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
                Creates.Enqueue(body);
                string id = Guid.NewGuid().ToString();
                _jobs[id] = ((int)body["num_images"]!, fails?.Invoke(body) ?? false);
                var job = new JsonObject { ["generationId"] = id, ["cost"] = new JsonObject { ["amount"] = $"{8 * (int)body["num_images"]!}", ["unit"] = "CREDITS" } };
                return Json(new JsonObject { ["sdGenerationJob"] = job }.ToJsonString());
            }

            if (path.StartsWith("/api/rest/v1/generations/", StringComparison.Ordinal))
            {
                string id = path[(path.LastIndexOf('/') + 1)..];
                var (count, failed) = _jobs[id];
                string images = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"id":"{{i}}","url":"https://cdn.leonardo.ai/{{id}}/{{i}}.png","nsfw":false}"""));
                return Json($$$"""{"generations_by_pk":{"id":"{{{id}}}","status":"{{{(failed ? "FAILED" : "COMPLETE")}}}","generated_images":[{{{(failed ? "" : images)}}}]}}""");
            }

            return Image();
        }
    }

    [Theory]
    // leonardo-ts-sdk operations/creategeneration.ts CreateGenerationRequestBody.numImages: "Must be between 1 and 8.
    // If either width or height is over 768, must be between 1 and 4."
    [InlineData(1024, 768, 6, new[] { 4, 2 })]
    [InlineData(768, 1024, 8, new[] { 4, 4 })]
    [InlineData(768, 768, 8, new[] { 8 })]
    [InlineData(512, 512, 10, new[] { 8, 2 })]
    public async Task NumImages_AtMostFourPerCall_WhenASideIsOver768(int width, int height, int count, int[] calls)
    {
        var (generator, server, time) = Create(new RoutingServer());
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Count = count, Size = new ImageSize(width, height) }));

        Assert.Equal(calls.Order(), server.Creates.Select(b => (int)b["num_images"]!).Order());
        Assert.Equal(count, result.Images.Count(i => i.Error is null));
        Assert.Equal(8d * count, result.Usage!.Credits);
    }

    [Fact]
    public async Task NoSize_CountsAsLarge_BecauseLeonardosDefaultIs1024x768()
    {
        // leonardo-ts-sdk CreateGenerationRequestBody$outboundSchema: width defaults to 1024, height to 768.
        var (generator, server, time) = Create(new RoutingServer());
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Count = 5 }));
        Assert.Equal([1, 4], server.Creates.Select(b => (int)b["num_images"]!).Order());
    }

    [Fact]
    public async Task ASplitBatchThatHalfFails_ReturnsWhatSucceeded()
    {
        // ImageBatch: paid-for images of the calls that succeeded are kept; each failed slot carries its error.
        var (generator, _, time) = Create(new RoutingServer(body => (int)body["num_images"]! == 2));
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Count = 6, Size = new ImageSize(1024, 1024) }));

        Assert.Equal(4, result.Images.Count(i => i.Error is null));
        Assert.Equal(2, result.Images.Count(i => i.Error is { Kind: ImageGenerationErrorKind.ProviderUnavailable }));
        Assert.Equal(32d, result.Usage!.Credits);
    }

    // ---- Item 2: never without modelId ----

    [Theory]
    [InlineData(null)]
    [InlineData(LeonardoImageGenerator.DefaultModelName)]
    public async Task NoModel_SendsLucidOrigin_WithItsRequiredContrast(string? model)
    {
        // creategeneration.ts modelId: "If not provided, uses sd_version" (default v1_5, SD 1.5). docs.leonardo.ai
        // legacy-generation model table: Lucid Origin is 7b592283-e8a7-4c5a-9ba6-d18c31f258b9; its guide: contrast
        // required, 3 (low) / 3.5 (medium) / 4 (high).
        var (generator, server, time) = Create();
        OneGeneration(server);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = model }));

        var body = Body(server.Requests.First());
        Assert.Equal(("7b592283-e8a7-4c5a-9ba6-d18c31f258b9", 3.5), ((string?)body["modelId"], (double?)body["contrast"]));
        Assert.Equal(LeonardoModels.LucidOrigin, result.Model);
        Assert.Equal(LeonardoModels.LucidOrigin, generator.Metadata.DefaultModel);
    }

    // ---- Item 3: presetStyle list, contrast, steps and guidance ----

    [Theory]
    // shared/sdgenerationstyle.ts SdGenerationStyle: ANIME ... UNPROCESSED (31 values).
    [InlineData("cinematic", "CINEMATIC")]
    [InlineData("long exposure", "LONG_EXPOSURE")]
    [InlineData("render-3d", "RENDER_3D")]
    [InlineData("UNPROCESSED", "UNPROCESSED")]
    public async Task Style_OnTheFixedList_IsSentAsPresetStyle(string style, string expected)
    {
        var (generator, server, time) = Create();
        OneGeneration(server);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = LeonardoModels.Phoenix, Style = style }));
        Assert.Equal(expected, (string?)Body(server.Requests.First())["presetStyle"]);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    // OpenAI's "vivid" and Stability's "photographic" are not SdGenerationStyle values.
    [InlineData("vivid")]
    [InlineData("photographic")]
    public async Task AnotherProvidersStyle_IsDroppedWithAWarning(string style)
    {
        var (generator, server, time) = Create();
        OneGeneration(server);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = LeonardoModels.Phoenix, Style = style }));

        Assert.Null(Body(server.Requests.First())["presetStyle"]);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal((ImageGenerationWarningKind.Unsupported, "Style", style), (warning.Kind, warning.Setting, warning.RequestedValue));
    }

    [Fact]
    public async Task ATypedPresetStyleOffTheList_Throws_BeforeAnyCall()
    {
        var (generator, server, time) = Create();
        var request = new ImageGenerationRequest("a fox").WithProviderOptions("leonardo", new LeonardoRequestOptions { PresetStyle = "VIVID" });
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => time.RunAsync(generator.GenerateAsync(request)));
        Assert.Contains("CINEMATIC", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Theory]
    // Lucid Realism guide: contrast required, valid values 3, 3.5, 4. creategeneration.ts contrast: accepts
    // [1.0, 1.3, 1.8, 2.5, 3, 3.5, 4, 4.5] (Phoenix and Flux).
    [InlineData(LeonardoModels.LucidRealism, 4.0, true)]
    [InlineData(LeonardoModels.LucidRealism, 2.5, false)]
    [InlineData(LeonardoModels.FluxKontext, 4.5, false)]
    [InlineData(LeonardoModels.Phoenix, 2.5, true)]
    [InlineData(LeonardoModels.Phoenix, 2.0, false)]
    public async Task Contrast_IsCheckedPerModel(string model, double contrast, bool accepted)
    {
        var (generator, server, time) = Create();
        OneGeneration(server);
        var request = new ImageGenerationRequest("a fox") { Model = model }.WithProviderOptions("leonardo", new LeonardoRequestOptions { Contrast = contrast });
        if (accepted)
        {
            await time.RunAsync(generator.GenerateAsync(request));
            Assert.Equal(contrast, (double?)Body(server.Requests.First())["contrast"]);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => time.RunAsync(generator.GenerateAsync(request)));
            Assert.Contains("Contrast", ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, server.Count);
        }
    }

    [Fact]
    public async Task PhoenixWithoutContrast_SendsNone()
    {
        // Only Lucid Origin, Lucid Realism and FLUX.1 Kontext require contrast (model guides); Phoenix has a server default.
        var (generator, server, time) = Create();
        OneGeneration(server);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = LeonardoModels.Phoenix }));
        Assert.Null(Body(server.Requests.First())["contrast"]);
    }

    [Theory]
    // creategeneration.ts: numInferenceSteps "Must be between 10 and 60"; guidanceScale "Must be between 1 and 20".
    [InlineData(9, null, "num_inference_steps", "10 and 60")]
    [InlineData(61, null, "num_inference_steps", "10 and 60")]
    [InlineData(null, 0.5, "guidance_scale", "1 and 20")]
    [InlineData(null, 21.0, "guidance_scale", "1 and 20")]
    public async Task StepsAndGuidance_OutOfRange_ThrowBeforeTheCall(int? steps, double? guidance, string parameter, string limit)
    {
        var (generator, server, time) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = LeonardoModels.Phoenix, Steps = steps, GuidanceScale = guidance })));
        Assert.Contains(parameter, ex.Message, StringComparison.Ordinal);
        Assert.Contains(limit, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a fox", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task StepsAndGuidance_InRange_AreSent()
    {
        var (generator, server, time) = Create();
        OneGeneration(server);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = LeonardoModels.Phoenix, Steps = 10, GuidanceScale = 20 }));
        var body = Body(server.Requests.First());
        Assert.Equal((10, 20d), ((int)body["num_inference_steps"]!, (double)body["guidance_scale"]!));
    }

    // ---- Item 4: cost {amount: string, unit} and apiCreditCost ----

    [Fact]
    public async Task Cost_InCredits_BecomesUsageCredits()
    {
        // creategeneration.ts SDGenerationOutput: apiCreditCost (deprecated) and cost; shared/cost.ts Cost {amount: string, unit: CREDITS|DOLLARS}.
        var (generator, server, time) = Create(o => o.UsdPerCredit = 0.001m);
        OneGeneration(server, ""","apiCreditCost":24,"cost":{"amount":"30","unit":"CREDITS"}""");
        var result = await time.RunAsync(generator.GenerateAsync("a fox"));
        Assert.Equal((30d, 0.030m), (result.Usage!.Credits!.Value, result.Cost!.ReportedUsd!.Value));
    }

    [Fact]
    public async Task Cost_InDollars_IsTheReportedUsd_AndApiCreditCostTheCredits()
    {
        // shared/cost.ts Unit: "DOLLARS unit only supports PAYG plan".
        var (generator, server, time) = Create();
        OneGeneration(server, ""","apiCreditCost":24,"cost":{"amount":"0.0125","unit":"DOLLARS"}""");
        var result = await time.RunAsync(generator.GenerateAsync("a fox"));
        Assert.Equal((0.0125m, 0.0125m, 24d), (result.Cost!.ReportedUsd!.Value, result.Cost.EstimatedUsd, result.Usage!.Credits!.Value));
    }

    [Fact]
    public async Task ApiCreditCostAlone_IsStillRead()
    {
        var (generator, server, time) = Create();
        OneGeneration(server, ""","apiCreditCost":24""");
        var result = await time.RunAsync(generator.GenerateAsync("a fox"));
        Assert.Equal(24d, result.Usage!.Credits);
        Assert.Null(result.Cost!.ReportedUsd);
    }

    // ---- Item 5: v2 generations ----

    [Fact]
    public async Task V2Model_PostsModelAndParameters_ThenPollsTheGeneration()
    {
        // docs.leonardo.ai gpt-image-1-5 guide: POST https://cloud.leonardo.ai/api/rest/v2/generations with
        // {public, model: "gpt-image-1.5", parameters: {prompt, quantity, width, height, seed}}.
        var (generator, server, time) = Create();
        server.Then(() => Json($$$"""{"generate":{"generationId":"{{{Id}}}"}}""")).Then(Complete).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a koala") { Model = LeonardoModels.GptImage15, Count = 2, Size = new ImageSize(1024, 1536), Seed = 42 }));

        var create = server.Requests.First();
        Assert.Equal((HttpMethod.Post, "https://cloud.leonardo.ai/api/rest/v2/generations", $"Bearer {Key}"), (create.Method, create.Uri.ToString(), create.Header("Authorization")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"model":"gpt-image-1.5","parameters":{"prompt":"a koala","quantity":2,"width":1024,"height":1536,"seed":42},"public":false}"""), Body(create)), create.BodyText);
        Assert.Equal($"https://cloud.leonardo.ai/api/rest/v1/generations/{Id}", server.Requests.Skip(1).First().Uri.ToString());
        Assert.Equal(LeonardoModels.GptImage15, result.Model);
    }

    [Fact]
    public async Task V2Model_TakesEightPerCall_AndDropsV1OnlySettingsWithWarnings()
    {
        // FLUX.2 Pro guide: quantity up to 8, sides 256-1440; no presetStyle or negative_prompt in its parameters.
        var (generator, server, time) = Create();
        server.Then(() => Json($$$"""{"generate":{"generationId":"{{{Id}}}"}}""")).Then(Complete).Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a cat") { Model = LeonardoModels.Flux2Pro, Count = 8, Size = new ImageSize(1440, 1440), Style = "cinematic", NegativePrompt = "blur" }));

        var parameters = Body(server.Requests.First())["parameters"]!.AsObject();
        Assert.Equal(8, (int)parameters["quantity"]!);
        Assert.False(parameters.ContainsKey("presetStyle") || parameters.ContainsKey("negative_prompt"));
        Assert.Equal(["NegativePrompt", "Style"], result.Warnings.Select(w => w.Setting).Order());
    }

    // ---- Item 6: init-image upload for image-to-image ----

    [Fact]
    public async Task ImageToImage_UploadsTheInitImageToS3_ThenGeneratesWithItsId()
    {
        // docs.leonardo.ai "How to upload an image using a presigned URL" and initimages/uploadinitimage.ts:
        // POST /init-image {extension} -> {uploadInitImage: {id, url, fields (JSON string), key}}; multipart POST of the
        // fields then the file to url; then the generation with init_image_id and init_strength (0.1-0.9).
        const string InitId = "9a1b2c3d-0000-4000-8000-000000000001";
        var (generator, server, time) = Create();
        server.Then(() => Json($$$"""{"uploadInitImage":{"id":"{{{InitId}}}","url":"https://s3.amazonaws.com/leonardo-init","key":"users/u/initImages/{{{InitId}}}.png","fields":"{\"Content-Type\":\"image/png\",\"key\":\"users/u/initImages/{{{InitId}}}.png\",\"Policy\":\"cG9saWN5\",\"X-Amz-Signature\":\"abc123\"}"}}"""))
            .ThenStatus(HttpStatusCode.NoContent)
            .Then(() => Created()).Then(Complete).Then(Image);
        var request = new ImageGenerationRequest("a fox in snow") { Model = LeonardoModels.Phoenix, Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(Png)], Strength = 0.3 };
        await time.RunAsync(generator.GenerateAsync(request));

        var steps = server.Requests.ToArray();
        Assert.Equal((HttpMethod.Post, "https://cloud.leonardo.ai/api/rest/v1/init-image", $"Bearer {Key}"), (steps[0].Method, steps[0].Uri.ToString(), steps[0].Header("Authorization")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"extension":"png"}"""), Body(steps[0])), steps[0].BodyText);

        Assert.Equal((HttpMethod.Post, "https://s3.amazonaws.com/leonardo-init", null), (steps[1].Method, steps[1].Uri.ToString(), steps[1].Header("Authorization")));
        Assert.DoesNotContain(Key, steps[1].BodyText, StringComparison.Ordinal);
        var parts = MultipartParser.Parse(steps[1]);
        Assert.Equal(["Content-Type", "key", "Policy", "X-Amz-Signature", "file"], parts.Select(p => p.Name));
        Assert.Equal(($"users/u/initImages/{InitId}.png", "abc123"), (parts[1].Text, parts[3].Text));
        Assert.Equal(Png, parts[^1].Data);

        var generation = Body(steps[2]);
        Assert.Equal(("https://cloud.leonardo.ai/api/rest/v1/generations", InitId, 0.7), (steps[2].Uri.ToString(), (string?)generation["init_image_id"], (double?)generation["init_strength"]));
    }

    [Fact]
    public async Task ImageToImage_NeedsBytesOfASupportedType()
    {
        var (generator, server, time) = Create();
        var gif = ImageInput.FromBytes(Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00"), "image/gif");
        await Assert.ThrowsAsync<ArgumentException>(() => time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [gif] })));
        Assert.Equal(0, server.Count);
    }
}
