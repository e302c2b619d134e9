using System.Net;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Ideogram.Tests.IdeogramTestHost;

namespace UnifiedImageGen.Ideogram.Tests;

// Issue 18, Ideogram. Every expectation is read from the official OpenAPI document, ../shared/specs/ideogram-openapi.json
// (PROVIDERS.md 7 and 13.8): the request schema named in each test, its required list and its properties.
public class IdeogramFidelityTests
{
    private static readonly ImageInput Photo = ImageInput.FromBytes(Png);

    private static Dictionary<string, FormPart[]> Parts(RecordedRequest request) =>
        MultipartParser.Parse(request).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.ToArray());

    // StyleTypeV3 enum: AUTO, GENERAL, REALISTIC, DESIGN, CUSTOM, FICTION, STYLIZED. Another provider's style ("vivid") is
    // dropped with a warning, not sent.
    [Theory]
    [InlineData("vivid", null)]
    [InlineData("ANIME", null)]
    [InlineData("realistic", "REALISTIC")]
    [InlineData("STYLIZED", "STYLIZED")]
    public async Task StyleType_IsSentOnlyFromStyleTypeV3(string style, string? sent)
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a poster") { Style = style });
        var parts = Parts(server.Requests.First());
        Assert.Equal(sent, parts.TryGetValue("style_type", out var value) ? value[0].Text : null);
        Assert.Equal(sent is null, result.Warnings.Any(w => w.Setting == "StyleType"));
    }

    // EditImageRequestV3 required: image, mask, prompt. RemixImageRequestV3 required: image, prompt.
    // ReplaceBackgroundRequestV3 required: image, prompt. Checked before any request.
    [Fact]
    public async Task EditRemixAndReplaceBackground_WithoutAPrompt_OrEditWithoutAMask_AreRefusedBeforeSending()
    {
        var (generator, server) = Create();
        var edit = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = Photo }));
        Assert.Contains("request.Prompt is required by Ideogram's edit", edit.Message, StringComparison.Ordinal);
        var remix = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.ImageToImage, InputImages = [Photo] }));
        Assert.Contains("remix", remix.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest { Model = IdeogramModels.V3ReplaceBackground, Operation = ImageOperation.ImageToImage, InputImages = [Photo] }));
        var mask = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [Photo] }));
        Assert.Contains("request.Mask", mask.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    // EditImageRequestV3 has no negative_prompt, resolution or aspect_ratio: dropped with warnings, not sent.
    [Fact]
    public async Task Edit_SendsOnlyItsSchemasFields_AndWarnsForTheRest()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = Photo, NegativePrompt = "blur", AspectRatio = AspectRatio.Square });
        var sent = server.Requests.First();
        Assert.EndsWith("/v1/ideogram-v3/edit", sent.Uri.AbsolutePath, StringComparison.Ordinal);
        var parts = Parts(sent);
        Assert.False(parts.ContainsKey("negative_prompt") || parts.ContainsKey("aspect_ratio") || parts.ContainsKey("resolution"));
        Assert.Contains(result.Warnings, w => w.Setting == "NegativePrompt");
        Assert.Contains(result.Warnings, w => w.Setting == "AspectRatio");
    }

    // The v3 endpoints take binary parts (format: binary): a URL input is downloaded (guarded) and sent as a file.
    [Fact]
    public async Task UrlInputs_AreDownloadedAndSentAsFiles()
    {
        var (generator, server) = Create();
        server.Then(Image).Then(() => Answer((true, "x"))).Then(Image);
        await generator.GenerateAsync(new ImageGenerationRequest("night") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromUri(new Uri("https://cdn.example.com/shoe.png"))] });
        var requests = server.Requests.ToArray();
        Assert.Equal((HttpMethod.Get, "https://cdn.example.com/shoe.png", (string?)null), (requests[0].Method, requests[0].Uri.ToString(), requests[0].Header("Api-Key")));
        var image = Parts(requests[1])["image"].Single();
        Assert.Equal("image/png", image.ContentType);
        Assert.Equal(Png, image.Data);

        // The downloader's guards hold for inputs too: a private address is never fetched, nothing is sent.
        var (guarded, quiet) = Create();
        await Assert.ThrowsAsync<ImageGenerationException>(() => guarded.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromUri(new Uri("https://169.254.169.254/latest/meta-data.png"))] }));
        Assert.Equal(0, quiet.Count);
    }

    // ReframeImageRequestV3 required: image, resolution; it has no prompt. Outpaint maps to it.
    [Fact]
    public async Task Outpaint_GoesToReframe_WithAResolution_AndNoPrompt()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("wider") { Operation = ImageOperation.Outpaint, InputImages = [Photo], Size = new ImageSize(1536, 640) });
        var sent = server.Requests.First();
        Assert.EndsWith("/v1/ideogram-v3/reframe", sent.Uri.AbsolutePath, StringComparison.Ordinal);
        var parts = Parts(sent);
        Assert.Equal("1536x640", parts["resolution"].Single().Text);
        Assert.False(parts.ContainsKey("prompt"));
        Assert.Contains(result.Warnings, w => w.Setting == "Prompt");

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Outpaint, InputImages = [Photo] }));
    }

    // ReplaceBackgroundRequestV3: image, prompt (the new background), magic_prompt, style_preset; no style_type.
    [Fact]
    public async Task ReplaceBackground_SendsImageAndPrompt_ToItsEndpoint()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var request = new ImageGenerationRequest("a marble kitchen counter") { Model = IdeogramModels.V3ReplaceBackground, Operation = ImageOperation.ImageToImage, InputImages = [Photo] }
            .WithProviderOptions("ideogram", new IdeogramRequestOptions { StyleType = "REALISTIC", StylePreset = "OIL_PAINTING" });
        var result = await generator.GenerateAsync(request);
        var sent = server.Requests.First();
        Assert.EndsWith("/v1/ideogram-v3/replace-background", sent.Uri.AbsolutePath, StringComparison.Ordinal);
        var parts = Parts(sent);
        Assert.Equal(("a marble kitchen counter", "OIL_PAINTING"), (parts["prompt"].Single().Text, parts["style_preset"].Single().Text));
        Assert.Single(parts["image"]);
        Assert.False(parts.ContainsKey("style_type"));
        Assert.Contains(result.Warnings, w => w.Setting == "StyleType");
    }

    // GenerateTransparentImageRequestV3: prompt, aspect_ratio (no resolution), negative_prompt, custom_model_uri; no
    // style_type or style_preset.
    [Fact]
    public async Task Transparent_GoesToGenerateTransparent_WithAnAspectRatioForASize()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a sticker of a fox") { Model = IdeogramModels.V3Transparent, Size = new ImageSize(1280, 800), NegativePrompt = "text" });
        var sent = server.Requests.First();
        Assert.EndsWith("/v1/ideogram-v3/generate-transparent", sent.Uri.AbsolutePath, StringComparison.Ordinal);
        var parts = Parts(sent);
        Assert.Equal(("16x10", "text"), (parts["aspect_ratio"].Single().Text, parts["negative_prompt"].Single().Text));
        Assert.False(parts.ContainsKey("resolution"));
        Assert.True(IdeogramModels.All.Single(m => m.Id == IdeogramModels.V3Transparent).Supports(ImageCapabilities.TransparentBackground));
    }

    // GenerateImageRequestV3 character_reference_images: files, "currently only supports 1 character reference image";
    // character_reference_images_mask "must match the number of character_reference_images".
    [Fact]
    public async Task CharacterReferences_AreFileParts_OneImageWithItsMask_CheckedBeforeSending()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        await generator.GenerateAsync(new ImageGenerationRequest("the same woman hiking").WithProviderOptions("ideogram", new IdeogramRequestOptions { CharacterReferenceImages = [Photo], CharacterReferenceMasks = [Photo] }));
        var parts = Parts(server.Requests.First());
        Assert.Equal(("image/png", "image/png"), (parts["character_reference_images"].Single().ContentType, parts["character_reference_images_mask"].Single().ContentType));

        var two = new IdeogramRequestOptions { CharacterReferenceImages = [Photo, Photo] };
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("ideogram", two)));
        var unmatched = new IdeogramRequestOptions { CharacterReferenceImages = [Photo], CharacterReferenceMasks = [Photo, Photo] };
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("ideogram", unmatched)));
        Assert.Equal(2, server.Count);
    }
}
