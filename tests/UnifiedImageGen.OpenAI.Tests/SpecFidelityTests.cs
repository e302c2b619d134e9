using System.Net;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

/// <summary>Requests pinned to the OpenAI spec (issue 17): each expectation names its source.</summary>
public class SpecFidelityTests
{
    private static readonly ImageInput Photo = ImageInput.FromBytes(Png);
    private static readonly ImageInput PhotoUrl = ImageInput.FromUri(new Uri("https://cdn.example.com/shop/shoe.png"));

    [Fact]
    public async Task MultipartEdit_NeverSendsModeration_AndWarnsThatItWasDropped()
    {
        // openai-openapi.yaml CreateImageEditRequest (multipart) has no `moderation` property; sending it is a 400
        // (PROVIDERS.md 13.2; openai-python image_edit_params.py).
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("add a hat") { Model = "gpt-image-1.5", Operation = ImageOperation.ImageToImage, InputImages = [Photo] }
            .WithProviderOptions("openai", new OpenAIRequestOptions { Moderation = "low" }));

        var parts = MultipartParser.Parse(server.Requests.Single());
        Assert.DoesNotContain(parts, p => p.Name == "moderation");
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("Moderation", "low"), (warning.Setting, warning.RequestedValue));
        Assert.Contains("multipart", warning.Message);
    }

    [Fact]
    public async Task MultipartEdit_WithModerationAndThrow_IsRefusedBeforeSending()
    {
        var (generator, server) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("add a hat") { Model = "gpt-image-1.5", Operation = ImageOperation.ImageToImage, InputImages = [Photo] }
            .WithProviderOptions("openai", new OpenAIRequestOptions { Moderation = "low" })));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("Moderation", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task JsonEdit_KeepsModeration()
    {
        // openai-openapi.yaml EditImageBodyJsonParam: `moderation` low|auto is a JSON edit field.
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("add a hat") { Model = "gpt-image-1.5", Operation = ImageOperation.ImageToImage, InputImages = [PhotoUrl] }
            .WithProviderOptions("openai", new OpenAIRequestOptions { Moderation = "low" }));

        AssertJson("""{"prompt":"add a hat","model":"gpt-image-1.5","n":1,"moderation":"low","images":[{"image_url":"https://cdn.example.com/shop/shoe.png"}]}""", server.Requests.Single());
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task JsonEdit_CustomSize_IsChangedToTheNearestListedSize()
    {
        // openai-openapi.yaml EditImageBodyJsonParam.size enum: auto, 1024x1024, 1536x1024, 1024x1536 (PROVIDERS.md 13.2);
        // free WxH sizes (gpt-image-2) exist only in the multipart encoding.
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("wider") { Model = "gpt-image-2", Operation = ImageOperation.ImageToImage, InputImages = [PhotoUrl], Size = new ImageSize(1280, 720) });

        Assert.Equal("1536x1024", Body(server.Requests.Single())["size"]!.GetValue<string>());
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("Size", "1280x720", "1536x1024"), (warning.Setting, warning.RequestedValue, warning.AppliedValue));
    }

    [Fact]
    public async Task MultipartEdit_KeepsGptImage2CustomSizes()
    {
        // openai-openapi.yaml CreateImageEditRequest.size: gpt-image-2 takes any WxH in multiples of 16 (PROVIDERS.md 1.4).
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync(new ImageGenerationRequest("wider") { Model = "gpt-image-2", Operation = ImageOperation.ImageToImage, InputImages = [Photo], Size = new ImageSize(1280, 720) });

        Assert.Equal("1280x720", MultipartParser.Parse(server.Requests.Single()).Single(p => p.Name == "size").Text);
    }

    [Fact]
    public async Task JsonEdit_CustomSizeWithThrow_IsRefusedBeforeSending()
    {
        var (generator, server) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("wider") { Model = "gpt-image-2", Operation = ImageOperation.ImageToImage, InputImages = [PhotoUrl], Size = new ImageSize(1280, 720) }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("1280x720", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task JsonEdit_ByteInputAboveTheImageUrlLimit_IsRefusedBeforeSending_NamingTheInputAndTheLimit()
    {
        // openai-openapi.yaml EditImageBodyJsonParam images[].image_url: maxLength 20971520 (PROVIDERS.md 13.2).
        var big = new byte[16 * 1024 * 1024];
        Png.CopyTo(big, 0);
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("combine") { Model = "gpt-image-1.5", Operation = ImageOperation.ImageToImage, InputImages = [PhotoUrl, ImageInput.FromBytes(big)] }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("request.InputImages[1]", ex.Message);
        Assert.Contains("20,971,520", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task LargeByteInputs_AllAsBytes_GoAsMultipart()
    {
        // The multipart edit takes files up to 50 MB each (openai-openapi.yaml CreateImageEditRequest.image), so
        // bytes never meet the JSON image_url limit when every input is bytes.
        var big = new byte[16 * 1024 * 1024];
        Png.CopyTo(big, 0);
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync(new ImageGenerationRequest("combine") { Model = "gpt-image-1.5", Operation = ImageOperation.ImageToImage, InputImages = [Photo, ImageInput.FromBytes(big)] });

        Assert.StartsWith("multipart/form-data", server.Requests.Single().ContentType);
    }

    [Fact]
    public async Task XAI_GetsAspectRatioInsteadOfSize_AndNoStyleOrQuality_WithWarnings()
    {
        // docs.x.ai image generations: aspect_ratio is taken; size, style and quality are not (PROVIDERS.md 8.3, 13.2).
        var (generator, server) = CreateFor(OpenAIImageGeneratorOptions.ForXAI("xai-key-0123456789"));
        server.Then(() => Json("dall-e-3.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a fox") { Size = new ImageSize(1536, 1024), Quality = ImageQuality.High, Style = "vivid" });

        var sent = server.Requests.Single();
        Assert.Equal("https://api.x.ai/v1/images/generations", sent.Uri.ToString());
        AssertJson("""{"prompt":"a fox","model":"grok-imagine-image","n":1,"aspect_ratio":"3:2"}""", sent);
        Assert.Equal(["Style", "Quality", "Size"], result.Warnings.Select(w => w.Setting));
        Assert.Equal("aspect_ratio 3:2", result.Warnings.Single(w => w.Setting == "Size").AppliedValue);
    }

    [Fact]
    public async Task XAI_AspectRatioOutsideItsList_IsChangedToTheNearest()
    {
        // docs.x.ai: aspect_ratio is one of 1:1, 3:4, 4:3, 9:16, 16:9, 2:3, 3:2, 9:19.5, 19.5:9, 9:20, 20:9, 1:2, 2:1, auto.
        var (generator, server) = CreateFor(OpenAIImageGeneratorOptions.ForCompatibleHost(new Uri("https://api.x.ai/v1/"), "xai-key-0123456789", "grok-imagine-image"));
        server.Then(() => Json("dall-e-3.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a fox") { AspectRatio = new AspectRatio(21, 9) });

        Assert.Equal("20:9", Body(server.Requests.Single())["aspect_ratio"]!.GetValue<string>());
        Assert.Equal(("AspectRatio", "20:9"), (Assert.Single(result.Warnings).Setting, result.Warnings[0].AppliedValue));
    }

    [Fact]
    public async Task OtherCompatibleHosts_GetNoAspectRatio_AndAWarning()
    {
        var (generator, server) = CreateFor(OpenAIImageGeneratorOptions.ForCompatibleHost(new Uri("https://api.together.xyz/v1/"), "together-key-0123456789", "black-forest-labs/FLUX.1-schnell"));
        server.Then(() => Json("dall-e-3.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a fox") { AspectRatio = new AspectRatio(16, 9) });

        Assert.Null(Body(server.Requests.Single())["aspect_ratio"]);
        Assert.Equal("AspectRatio", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public async Task ForAzure_DoesNotDefaultToARetiredModel()
    {
        // PROVIDERS.md 13.1: dall-e-2/3 retired 2026-05-12, gpt-image-1 2026-10-23, gpt-image-1.5 and gpt-image-1-mini 2026-12-01.
        var (generator, server) = CreateFor(OpenAIImageGeneratorOptions.ForAzure(new Uri("https://contoso.openai.azure.com/"), "images-prod", "azure-key-0123456789"));
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync("a fox");

        string model = Body(server.Requests.Single())["model"]!.GetValue<string>();
        Assert.DoesNotContain(model, new[] { "dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini" });
        Assert.Equal(OpenAIModels.GptImage2, model);
    }

    [Fact]
    public async Task Cost_PricesImageAndTextTokensApart()
    {
        // openai-openapi.yaml ImageGenUsage: input_tokens_details and output_tokens_details split text_tokens and
        // image_tokens (PROVIDERS.md 13.2); gpt-image-1 prices per 1M: text in $5, image in $10, image out $40 (PROVIDERS.md 1.9).
        var (generator, server) = Create(o => o.Prices.Models["gpt-image-1"].TextOutputPerMillion = 10m);
        server.ThenStatus(HttpStatusCode.OK, """
            {"created":1745430000,"data":[{"b64_json":"PNG"}],
             "usage":{"input_tokens":1100,"output_tokens":4260,"total_tokens":5360,
                      "input_tokens_details":{"text_tokens":100,"image_tokens":1000},
                      "output_tokens_details":{"image_tokens":4160,"text_tokens":100}}}
            """.Replace("PNG", Convert.ToBase64String(Png), StringComparison.Ordinal));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" });

        // 100 x $5 + 1,000 x $10 + 4,160 x $40 + 100 x $10, per million.
        Assert.Equal(0.1779m, result.Cost!.ReportedUsd);
    }

    [Fact]
    public async Task Cost_TextOutputTokensWithoutAPrice_AreCountedAtTheImageRate()
    {
        var (generator, server) = Create();
        server.ThenStatus(HttpStatusCode.OK, """
            {"created":1745430000,"data":[{"b64_json":"PNG"}],
             "usage":{"input_tokens":100,"output_tokens":4260,"total_tokens":4360,
                      "input_tokens_details":{"text_tokens":100,"image_tokens":0},
                      "output_tokens_details":{"image_tokens":4160,"text_tokens":100}}}
            """.Replace("PNG", Convert.ToBase64String(Png), StringComparison.Ordinal));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" });

        // 100 x $5 + 4,260 x $40, per million: an upper bound while no text output price is published.
        Assert.Equal(0.1709m, result.Cost!.ReportedUsd);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "true", 2)] // a POST's 500 is otherwise never retried
    [InlineData(HttpStatusCode.ServiceUnavailable, "false", 1)] // a 503 otherwise would be
    public async Task XShouldRetry_IsObeyedThroughTheOpenAIGenerator(HttpStatusCode status, string header, int expectedRequests)
    {
        // openai-python _base_client.py _should_retry: the x-should-retry header wins over the status (PROVIDERS.md 1.1, 13.2).
        var time = new ManualTimeProvider();
        var server = new ScriptedHandler()
            .ThenStatus(status, """{"error":{"message":"busy","type":"server_error","param":null,"code":null}}""", r => r.Headers.TryAddWithoutValidation("x-should-retry", header))
            .Then(() => Json("gpt-image-1.generations.json"));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddImageGeneration().AddOpenAI(o => o.ApiKey = ApiKey, configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredKeyedService<IImageGenerator>("openai");

        try
        {
            await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }));
        }
        catch (ImageGenerationException ex) when (expectedRequests == 1)
        {
            Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, ex.Kind);
        }

        Assert.Equal(expectedRequests, server.Count);
    }

    private static (OpenAIImageGenerator, ScriptedHandler) CreateFor(OpenAIImageGeneratorOptions options)
    {
        var server = new ScriptedHandler();
        return (Recordings.Over(server, options), server);
    }
}
