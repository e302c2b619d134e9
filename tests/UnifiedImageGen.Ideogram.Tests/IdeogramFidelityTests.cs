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

    // ---- Masks: EditImageRequestV3.mask "Black regions in the mask should match up with the regions of the image that you
    // would like to edit" (PROVIDERS.md 13.12); the SDK's masks repaint where transparent, or white when opaque. ----

    private static byte[] MaskPng(Func<int, (byte Level, byte Alpha)> pixel)
    {
        var rgba = new byte[24 * 16 * 4];
        for (int i = 0; i < 24 * 16; i++)
        {
            var (level, alpha) = pixel(i % 24);
            (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]) = (level, level, level, alpha);
        }

        return Imaging.PngEncoder.Encode(rgba, 24, 16);
    }

    private static async Task<byte[]> SentMask(ImageGenerationRequest request)
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        await generator.GenerateAsync(request);
        return Parts(server.Requests.First())["mask"].Single().Data;
    }

    [Theory]
    [InlineData(true)]  // OpenAI's convention: transparent repaints (left half here)
    [InlineData(false)] // Stability's and BFL's: an opaque mask repaints where white (left half here)
    public async Task Edit_ConvertsTheSdkMask_ToBlackWhereToEdit(bool byAlpha)
    {
        var mask = MaskPng(x => x < 12 ? (byAlpha ? ((byte)0, (byte)0) : ((byte)255, (byte)255)) : (byAlpha ? ((byte)0, (byte)255) : ((byte)0, (byte)255)));
        var sent = await SentMask(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = ImageInput.FromBytes(mask) });

        Assert.True(UnifiedImageGen.Imaging.PngDecoder.TryDecode(sent, out int width, out int height, out byte[] rgba));
        Assert.Equal((24, 16), (width, height));
        Assert.Equal(0, rgba[(5 * 24 + 3) * 4]);    // left half: to edit, black
        Assert.Equal(255, rgba[(5 * 24 + 20) * 4]); // right half: kept, white
        Assert.All(Enumerable.Range(0, 24 * 16), i => Assert.Equal(255, rgba[i * 4 + 3]));
    }

    [Fact]
    public async Task Edit_WithSendMaskAsIs_SendsTheMaskUntouched()
    {
        var native = MaskPng(x => x < 12 ? ((byte)0, (byte)255) : ((byte)255, (byte)255));
        var request = new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = ImageInput.FromBytes(native) }
            .WithProviderOptions("ideogram", new IdeogramRequestOptions { SendMaskAsIs = true });
        Assert.Equal(native, await SentMask(request));
    }

    [Fact]
    public async Task Edit_WithAMaskThatCannotBeConverted_IsRefusedBeforeSending()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [Photo], Mask = ImageInput.FromBytes(jpeg) }));
        Assert.Contains("request.Mask", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SendMaskAsIs", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    // ---- Limits and enums ----

    // Every v3 schema: image and mask "max size 10MB"; style_reference_images "maximum total size 10MB across all style
    // references"; character_reference_images likewise.
    [Fact]
    public async Task Files_OverTenMegabytes_AreRefusedBeforeSending_NamingTheParameterAndLimit()
    {
        var big = new byte[(10 * 1024 * 1024) + 1];
        Png.CopyTo(big, 0);
        var (generator, server) = Create();
        var style = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { InputImages = [ImageInput.FromBytes(big)] }));
        Assert.Contains("style references", style.Message, StringComparison.Ordinal);
        Assert.Contains("10,485,760", style.Message, StringComparison.Ordinal);
        var remix = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(big)] }));
        Assert.Contains("request.InputImages[0]", remix.Message, StringComparison.Ordinal);
        var characters = new IdeogramRequestOptions { CharacterReferenceImages = [ImageInput.FromBytes(big)] };
        var character = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("ideogram", characters)));
        Assert.Contains("CharacterReferenceImages", character.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    // RenderingSpeed enum: FLASH, TURBO, BALANCED, DEFAULT, QUALITY; MagicPromptOption: AUTO, ON, OFF.
    [Theory]
    [InlineData("fast", null, "RenderingSpeed")]
    [InlineData(null, "yes", "MagicPrompt")]
    public async Task RenderingSpeedAndMagicPrompt_OutsideTheirEnums_AreRefusedBeforeSending(string? speed, string? magic, string option)
    {
        var (generator, server) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("ideogram", new IdeogramRequestOptions { RenderingSpeed = speed, MagicPrompt = magic })));
        Assert.Contains("IdeogramRequestOptions." + option, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Count);
    }

    // ReframeImageRequestV3 requires resolution (ResolutionV3): an aspect ratio becomes the largest resolution of its shape.
    [Fact]
    public async Task Reframe_WithAnAspectRatio_SendsTheResolutionOfThatShape()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"))).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Outpaint, InputImages = [Photo], AspectRatio = new AspectRatio(16, 9) });
        var parts = Parts(server.Requests.First());
        Assert.Equal("1312x736", parts["resolution"].Single().Text);
        Assert.False(parts.ContainsKey("aspect_ratio"));
        Assert.Contains(result.Warnings, w => w.Setting == "AspectRatio" && w.AppliedValue == "1312x736");
    }

    // ---- Prices: PROVIDERS.md 7.5 publishes v3 generation prices by speed only; the new endpoints are marked unconfirmed. ----

    [Theory]
    [InlineData("V_3/replace-background")]
    [InlineData("V_3/generate-transparent")]
    public void NewEndpoints_HavePriceLines_MarkedUnconfirmed(string model)
    {
        var line = Costs.PriceCatalog.Default.Find("ideogram", model)!;
        Assert.Equal(model, line.Model);
        Assert.Contains("not confirmed", line.Source, StringComparison.Ordinal);
        Assert.Equal((0.03m, 0.09m), (line.Variants["TURBO"], line.Variants["QUALITY"]));
    }

    [Fact]
    public async Task Transparent_CostComesFromItsCatalogLine_ByRenderingSpeed()
    {
        var (generator, server) = Create();
        server.Then(() => Answer((true, "x"), (true, "x"))).Then(Image).Then(Image);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a sticker") { Model = IdeogramModels.V3Transparent, Count = 2 }
            .WithProviderOptions("ideogram", new IdeogramRequestOptions { RenderingSpeed = "TURBO" }));
        Assert.Equal(0.06m, result.Cost!.EstimatedUsd);
        Assert.Equal("TURBO", MultipartParser.Parse(server.Requests.First()).Single(p => p.Name == "rendering_speed").Text);
    }
}
