using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

public class EditTests
{
    private static readonly ImageInput Photo = ImageInput.FromBytes(Png);
    private static readonly ImageInput MaskOfSameSize = ImageInput.FromBytes(PngEncoder.Encode(new byte[64 * 48 * 4], 64, 48));

    [Fact]
    public async Task Inpaint_SendsMultipartWithImageMaskAndFields()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var request = new ImageGenerationRequest("add a red hat")
        {
            Model = "gpt-image-1",
            Operation = ImageOperation.Inpaint,
            InputImages = [Photo],
            Mask = MaskOfSameSize,
            Size = new ImageSize(1024, 1024),
        }.WithProviderOptions("openai", new OpenAIRequestOptions { InputFidelity = "high" });

        await generator.GenerateAsync(request);

        var sent = Assert.Single(server.Requests);
        Assert.Equal("https://api.openai.com/v1/images/edits", sent.Uri.ToString());
        Assert.Equal($"Bearer {ApiKey}", sent.Header("Authorization"));
        var parts = MultipartParser.Parse(sent);
        Assert.Equal(["prompt", "model", "n", "size", "input_fidelity", "image", "mask"], parts.Select(p => p.Name));
        Assert.Equal("add a red hat", parts[0].Text);
        Assert.Equal("gpt-image-1", parts[1].Text);
        Assert.Equal("1", parts[2].Text);
        Assert.Equal("high", parts[4].Text);
        Assert.Equal(("image.png", "image/png"), (parts[5].FileName, parts[5].ContentType));
        Assert.Equal(Png, parts[5].Data);
        Assert.Equal(("mask.png", "image/png"), (parts[6].FileName, parts[6].ContentType));
        Assert.All(parts.Take(5), p => Assert.Null(p.FileName));
    }

    [Fact]
    public async Task SeveralImages_GoAsRepeatedImageArrayParts()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        var jpeg = ImageInput.FromBytes(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9 });
        await generator.GenerateAsync(new ImageGenerationRequest("combine these") { Model = "gpt-image-1.5", Operation = ImageOperation.ImageToImage, InputImages = [Photo, jpeg, Photo] });

        var images = MultipartParser.Parse(server.Requests.Single()).Where(p => p.FileName is not null).ToArray();
        Assert.Equal(["image[]", "image[]", "image[]"], images.Select(p => p.Name));
        Assert.Equal(["image_0.png", "image_1.jpg", "image_2.png"], images.Select(p => p.FileName));
        Assert.Equal("image/jpeg", images[1].ContentType);
    }

    [Fact]
    public async Task UrlInputs_UseTheJsonEditEncoding()
    {
        var (generator, server) = Create();
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync(new ImageGenerationRequest("make it night")
        {
            Model = "gpt-image-1",
            Operation = ImageOperation.Inpaint,
            InputImages = [ImageInput.FromUri(new Uri("https://cdn.example.com/shop/shoe.png"))],
            Mask = ImageInput.FromBytes(SmallPng),
        });

        var sent = server.Requests.Single();
        Assert.Equal("application/json; charset=utf-8", sent.ContentType);
        AssertJson($$$"""{"prompt":"make it night","model":"gpt-image-1","n":1,"images":[{"image_url":"https://cdn.example.com/shop/shoe.png"}],"mask":{"image_url":"data:image/png;base64,{{{Convert.ToBase64String(SmallPng)}}}"}}""", sent);
    }

    [Fact]
    public async Task Mask_ThatIsNotPngOrOfAnotherSize_IsRefusedBeforeSending()
    {
        var (generator, server) = Create();
        var smaller = new ImageGenerationRequest("x") { Model = "gpt-image-1", Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = ImageInput.FromBytes(SmallPng) };
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(smaller));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("request.Mask is 16x12 but the first input image is 64x48", ex.Message);

        var jpegMask = ImageInput.FromBytes(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 });
        var ex2 = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(smaller with { Mask = jpegMask }));
        Assert.Contains("request.Mask must be a PNG", ex2.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task DallE2_EditsNeedOneSquarePng()
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "dall-e-2", Operation = ImageOperation.ImageToImage, InputImages = [Photo] }));
        Assert.Contains("one square PNG", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task Variation_OfDallE2_SendsMultipartToVariations()
    {
        var (generator, server) = Create();
        server.Then(() => Json("dall-e-3.generations.json"));
        var square = ImageInput.FromBytes(PngEncoder.Encode(new byte[32 * 32 * 4], 32, 32));
        var result = await generator.GenerateAsync(new ImageGenerationRequest { Model = "dall-e-2", Operation = ImageOperation.Variation, InputImages = [square], Size = new ImageSize(256, 256), User = "u1" });

        var sent = server.Requests.Single();
        Assert.Equal("https://api.openai.com/v1/images/variations", sent.Uri.ToString());
        var parts = MultipartParser.Parse(sent);
        Assert.Equal(["model", "n", "size", "response_format", "user", "image"], parts.Select(p => p.Name));
        Assert.Equal(["dall-e-2", "1", "256x256", "b64_json", "u1"], parts.Take(5).Select(p => p.Text));
        Assert.Equal("image.png", parts[5].FileName);
        Assert.True(result.Image.IsSuccess);
    }

    [Fact]
    public async Task Variation_OnAGptModel_IsInvalidRequest()
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest { Model = "gpt-image-1", Operation = ImageOperation.Variation, InputImages = [Photo] }));
        Assert.Contains("does not support ImageOperation.Variation", ex.Message);
        Assert.Equal(0, server.Count);
    }
}
