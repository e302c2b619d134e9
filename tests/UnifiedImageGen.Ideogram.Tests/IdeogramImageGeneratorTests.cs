using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

using static UnifiedImageGen.Ideogram.Tests.IdeogramTestHost;

namespace UnifiedImageGen.Ideogram.Tests;

public class IdeogramImageGeneratorTests
{
    [Fact]
    public async Task V3Generate_SendsMultipart_AndMapsMagicPromptSeedAndDownloads()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "A vibrant poster that reads 'SALE' in bold red letters."), (true, "A vibrant poster that reads 'SALE' in bold red letters."))).Then(Image).Then(Image);
        var request = new ImageGenerationRequest("a sale poster") { Count = 2, Seed = 100, AspectRatio = new AspectRatio(16, 10), NegativePrompt = "blur", Quality = ImageQuality.High }
            .WithProviderOptions("ideogram", new IdeogramRequestOptions { MagicPrompt = "ON", StyleType = "DESIGN" });

        var result = await generator.GenerateAsync(request);

        var sent = server.Requests.First();
        Assert.Equal((HttpMethod.Post, "https://api.ideogram.ai/v1/ideogram-v3/generate", Key), (sent.Method, sent.Uri.ToString(), sent.Header("Api-Key")));
        var parts = MultipartParser.Parse(sent).ToDictionary(p => p.Name, p => p.Text);
        Assert.Equal("a sale poster", parts["prompt"]);
        Assert.Equal(("100", "QUALITY", "ON", "2", "DESIGN", "blur", "16x10"), (parts["seed"], parts["rendering_speed"], parts["magic_prompt"], parts["num_images"], parts["style_type"], parts["negative_prompt"], parts["aspect_ratio"]));
        Assert.Equal(2, result.Images.Count);
        Assert.All(result.Images, i => Assert.Equal("A vibrant poster that reads 'SALE' in bold red letters.", i.RevisedPrompt));
        Assert.Equal([100L, 101L], result.Images.Select(i => i.Seed!.Value));
        Assert.Equal(0.18m, result.Cost!.EstimatedUsd);
    }

    [Fact]
    public async Task UnsafeImages_AreFlaggedSlots_AndAllUnsafeIsContentPolicy()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"), (false, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Count = 2 });
        Assert.Equal((false, true), (result.Images[0].ContentFlagged!.Value, result.Images[1].ContentFlagged!.Value));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, result.Images[1].Error!.Kind);

        server.Then(() => Answer((false, "x")));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, (await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"))).Kind);
    }

    [Fact]
    public async Task EditAndRemix_GoToTheirEndpointsWithTheirParts()
    {
        var (generator, server) = Create();
        var image = ImageInput.FromBytes(Png);
        server.Then(() => Answer((true, "x"))).Then(Image);
        await generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [image], Mask = image });
        var edit = MultipartParser.Parse(server.Requests.First());
        Assert.EndsWith("/v1/ideogram-v3/edit", server.Requests.First().Uri.AbsolutePath);
        Assert.Equal(("image.png", "mask.png"), (edit.Single(p => p.Name == "image").FileName, edit.Single(p => p.Name == "mask").FileName));

        server.Then(() => Answer((true, "x"))).Then(Image);
        await generator.GenerateAsync(new ImageGenerationRequest("night") { Operation = ImageOperation.ImageToImage, InputImages = [image, image], Strength = 0.3 });
        var remixRequest = server.Requests.ElementAt(2);
        var remix = MultipartParser.Parse(remixRequest);
        Assert.EndsWith("/v1/ideogram-v3/remix", remixRequest.Uri.AbsolutePath);
        Assert.Equal("70", remix.Single(p => p.Name == "image_weight").Text);
        Assert.Single(remix, p => p.Name == "style_reference_images");
    }

    [Fact]
    public async Task LegacyModels_UseTheJsonGenerateEndpoint()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "V_2_TURBO", AspectRatio = new AspectRatio(16, 9), Seed = 5, NegativePrompt = "blur" });
        var sent = server.Requests.First();
        Assert.Equal("https://api.ideogram.ai/generate", sent.Uri.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"image_request":{"prompt":"x","model":"V_2_TURBO","num_images":1,"aspect_ratio":"ASPECT_16_9","seed":5,"negative_prompt":"blur"}}"""), JsonNode.Parse(sent.Body)), sent.BodyText);
    }

    [Fact]
    public async Task Sizes_SnapToV3Resolutions()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(1300, 740) });
        Assert.Equal("1312x736", MultipartParser.Parse(server.Requests.First()).Single(p => p.Name == "resolution").Text);
        Assert.Equal("Size", Assert.Single(result.Warnings).Setting);
    }

    [Theory]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"error":"Prompt provided failed safety check due to the inclusion of prohibited content."}""", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":"Not authorized"}""", ImageGenerationErrorKind.Authentication)]
    [InlineData(HttpStatusCode.TooManyRequests, """{"error":"Too many requests"}""", ImageGenerationErrorKind.RateLimited)]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"Invalid input"}""", ImageGenerationErrorKind.InvalidRequest)]
    public async Task Errors_MapToKinds(HttpStatusCode status, string body, ImageGenerationErrorKind kind)
    {
        var (generator, server) = Create();
        server.Then(() => Json(body, status));
        Assert.Equal(kind, (await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"))).Kind);
    }
}

public class IdeogramLiveTests
{
    [LiveFact("IDEOGRAM_API_KEY")]
    public async Task Live_V3Turbo()
    {
        using var generator = new IdeogramImageGenerator(Environment.GetEnvironmentVariable("IDEOGRAM_API_KEY")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Quality = ImageQuality.Low });
        Assert.True(result.Image.Data.Length > 1000);
    }
}
