using System.Net;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

public class GenerationTests
{
    [Fact]
    public async Task GptImage_SendsExactJson_AndMapsTheResponse()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var request = new ImageGenerationRequest("a red fox in snow")
        {
            Model = "gpt-image-1",
            Size = new ImageSize(1024, 1024),
            Quality = ImageQuality.High,
            OutputFormat = ImageFormat.Webp,
            User = "user-42",
        }.WithProviderOptions("openai", new OpenAIRequestOptions { Background = "opaque", Moderation = "low", OutputCompression = 80 });

        var result = await generator.GenerateAsync(request);

        var sent = Assert.Single(server.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("https://api.openai.com/v1/images/generations", sent.Uri.ToString());
        Assert.Equal($"Bearer {ApiKey}", sent.Header("Authorization"));
        Assert.Equal("application/json", sent.Header("Accept"));
        Assert.Equal("application/json; charset=utf-8", sent.ContentType);
        AssertJson("""{"prompt":"a red fox in snow","model":"gpt-image-1","n":1,"size":"1024x1024","quality":"high","output_format":"webp","output_compression":80,"background":"opaque","moderation":"low","user":"user-42"}""", sent);

        var image = Assert.Single(result.Images);
        Assert.Equal(Png, image.Data.ToArray());
        Assert.Equal(("image/png", 64, 48), (image.MediaType, image.Width!.Value, image.Height!.Value));
        Assert.Equal(("openai", "gpt-image-1", "req_abc123"), (result.Provider, result.Model, result.ProviderRequestId));
        Assert.Equal((50L, 50L, 0L, 4160L, 4210L), (result.Usage!.InputTokens!.Value, result.Usage.InputTextTokens!.Value, result.Usage.InputImageTokens!.Value, result.Usage.OutputTokens!.Value, result.Usage.TotalTokens!.Value));
        // 50 text tokens at $5/M plus 4,160 image output tokens at $40/M.
        Assert.Equal(0.16665m, result.Cost!.ReportedUsd);
        Assert.Equal(0.16665m, result.Cost.Usd);
        var info = Assert.IsType<OpenAIResponseInfo>(result.RawRepresentation);
        Assert.Equal(new OpenAIResponseInfo(1745430000, "1024x1024", "high", "png", "opaque"), info);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task DefaultModel_IsTheNewestGptImageModel_AndNeverSendsResponseFormat()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync("a lighthouse");
        AssertJson("""{"prompt":"a lighthouse","model":"gpt-image-2","n":1}""", server.Requests.Single());
        Assert.Equal("gpt-image-2", generator.Metadata.DefaultModel);
    }

    [Fact]
    public async Task GptImage2_TakesFreeFormSizesInMultiplesOf16()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("wide") { Size = new ImageSize(1536, 864) });
        Assert.Equal("1536x864", Body(server.Requests.Single())["size"]!.GetValue<string>());
        Assert.Empty(result.Warnings);

        var snapped = await generator.GenerateAsync(new ImageGenerationRequest("too wide") { Size = new ImageSize(4000, 1000) });
        var size = ImageSize.Parse(Body(server.Requests.Last())["size"]!.GetValue<string>());
        Assert.True(size.Width % 16 == 0 && size.Height % 16 == 0 && size.Width <= 3840 && (double)size.Width / size.Height <= 3.0001, size.ToString());
        Assert.Equal("Size", Assert.Single(snapped.Warnings).Setting);
    }

    [Fact]
    public async Task DallE3_SendsStyleHdAndB64_AndKeepsTheRevisedPrompt()
    {
        var (generator, server) = Create();
        server.Then(() => Json("dall-e-3.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a red fox") { Model = "dall-e-3", Size = new ImageSize(1792, 1024), Quality = ImageQuality.HD, Style = "natural" });
        AssertJson("""{"prompt":"a red fox","model":"dall-e-3","n":1,"size":"1792x1024","quality":"hd","response_format":"b64_json","style":"natural"}""", server.Requests.Single());
        Assert.StartsWith("A photorealistic image of a red fox", result.Image.RevisedPrompt);
        Assert.Equal(0.12m, result.Cost!.EstimatedUsd);
        Assert.Null(result.Cost.ReportedUsd);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task DallE3_UnlistedSize_SnapsWithWarning_OrThrowsBeforeSending()
    {
        var (generator, server) = Create();
        server.Then(() => Json("dall-e-3.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "dall-e-3", Size = new ImageSize(1600, 900), Seed = 5 });
        Assert.Equal("1792x1024", Body(server.Requests.Single())["size"]!.GetValue<string>());
        Assert.Equal(["Seed", "Size"], result.Warnings.Select(w => w.Setting).Order());

        var (strict, strictServer) = Create(o => o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => strict.GenerateAsync(new ImageGenerationRequest("x") { Model = "dall-e-3", Size = new ImageSize(1600, 900) }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal(0, strictServer.Count);
    }

    [Fact]
    public async Task DallE2_UrlResults_AreDownloadedAtOnce()
    {
        var (generator, server) = Create();
        server.Then(() => Json("dall-e-2.generations.url.json")).Then(() => ImageFile(Png)).Then(() => ImageFile(SmallPng));
        var request = new ImageGenerationRequest("a fox") { Model = "dall-e-2", Count = 2, Size = new ImageSize(512, 512) }
            .WithProviderOptions("openai", new OpenAIRequestOptions { ResponseFormat = "url" });
        var result = await generator.GenerateAsync(request);

        var requests = server.Requests.ToArray();
        AssertJson("""{"prompt":"a fox","model":"dall-e-2","n":2,"size":"512x512","response_format":"url"}""", requests[0]);
        Assert.All(requests[1..], r => Assert.Equal(HttpMethod.Get, r.Method));
        Assert.Equal(2, result.Images.Count);
        Assert.All(result.Images, i => Assert.Equal("oaidalleapiprodscus.blob.core.windows.net", i.SourceUri!.Host));
        Assert.Equal(Png.Length + SmallPng.Length, result.Images.Sum(i => i.Data.Length));
        Assert.Equal(0.036m, result.Cost!.EstimatedUsd);
    }

    [Fact]
    public async Task Count_AboveTheModelLimit_IsSplit_AndAFailedCallKeepsTheOthersImages()
    {
        var (generator, server) = Create();
        server.Then(() => Json("dall-e-3.generations.json"))
            .Then(() => Json("error.server_error.json", HttpStatusCode.InternalServerError))
            .Then(() => Json("dall-e-3.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "dall-e-3", Count = 3 });

        Assert.Equal(3, server.Count);
        Assert.All(server.Requests, r => Assert.Equal(1, Body(r)["n"]!.GetValue<int>()));
        Assert.Equal(3, result.Images.Count);
        Assert.Equal(2, result.Images.Count(i => i.IsSuccess));
        var failed = Assert.Single(result.Images, i => !i.IsSuccess);
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, failed.Error!.Kind);
        Assert.Equal(0.08m, result.Cost!.EstimatedUsd);
    }

    [Fact]
    public async Task Count_OfTwelve_OnGptImage_GoesAsTenAndTwo()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1", Count = 12 });
        Assert.Equal([2, 10], server.Requests.Select(r => Body(r)["n"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task UnknownModel_IsSentAsItIs()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gpt-image-3-preview", Size = new ImageSize(1000, 700) });
        AssertJson("""{"prompt":"x","model":"gpt-image-3-preview","n":1,"size":"1000x700"}""", server.Requests.Single());
        Assert.Equal("gpt-image-3-preview", result.Model);
        Assert.Null(result.Cost);
    }

    [Fact]
    public async Task JsonObjectOptions_AreMerged_ButMayNotOverrideMappedFields()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var request = new ImageGenerationRequest("x").WithProviderOptions("openai", new System.Text.Json.Nodes.JsonObject { ["size"] = "auto", ["new_field"] = 3 });
        await generator.GenerateAsync(request);
        AssertJson("""{"prompt":"x","model":"gpt-image-2","n":1,"size":"auto","new_field":3}""", server.Requests.Single());

        var overriding = new ImageGenerationRequest("x").WithProviderOptions("openai", new System.Text.Json.Nodes.JsonObject { ["model"] = "dall-e-2" });
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(overriding));
        Assert.Contains("may not set \"model\"", ex.Message);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task OptionsForOtherModels_AreDroppedWithWarnings()
    {
        var (generator, server) = Create();
        server.Then(() => Json("dall-e-3.generations.json"));
        var request = new ImageGenerationRequest("x") { Model = "dall-e-3", OutputFormat = ImageFormat.Jpeg }
            .WithProviderOptions("openai", new OpenAIRequestOptions { Background = "transparent", Moderation = "low" });
        var result = await generator.GenerateAsync(request);
        AssertJson("""{"prompt":"x","model":"dall-e-3","n":1,"response_format":"b64_json"}""", server.Requests.Single());
        Assert.Equal(["Background", "Moderation", "OutputFormat"], result.Warnings.Select(w => w.Setting).Order());
    }

    [Fact]
    public async Task TransparentBackground_WithJpeg_SwitchesToPng()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var request = new ImageGenerationRequest("logo") { Model = "gpt-image-1", OutputFormat = ImageFormat.Jpeg }
            .WithProviderOptions("openai", new OpenAIRequestOptions { Background = "transparent" });
        var result = await generator.GenerateAsync(request);
        Assert.Equal("png", Body(server.Requests.Single())["output_format"]!.GetValue<string>());
        Assert.Equal(("OutputFormat", "png"), (result.Warnings.Single().Setting, result.Warnings.Single().AppliedValue));
    }

    [Fact]
    public async Task BadTypedOptions_AreArgumentErrorsNamingTheLimit()
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("openai", new OpenAIRequestOptions { OutputCompression = 101 })));
        Assert.Contains("OutputCompression must be between 0 and 100; it is 101", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("openai", 42)));
        Assert.Equal(0, server.Count);
    }
}
