using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Placeholder;

public class PlaceholderImageGeneratorTests
{
    private readonly PlaceholderImageGenerator _generator = new();

    [Theory]
    [InlineData(1024, 1024)]
    [InlineData(640, 360)]
    [InlineData(17, 33)]
    public async Task Png_DecodesWithValidChunksAndExactInflatedSize(int width, int height)
    {
        var result = await _generator.GenerateAsync(new ImageGenerationRequest("a red fox in snow") { Size = new ImageSize(width, height) });
        var image = Assert.Single(result.Images);
        var png = PngChecker.Check(image.Data.Span);
        Assert.Equal(width, png.Width);
        Assert.Equal(height, png.Height);
        Assert.Equal(8, png.BitDepth);
        Assert.Equal(6, png.ColorType);
        Assert.Equal(height * (1 + (width * 4)), png.Inflated.Length);
        for (int row = 0; row < height; row++)
        {
            Assert.Equal(0, png.Inflated[row * (1 + (width * 4))]);
        }

        Assert.Equal(("image/png", width, height), (image.MediaType, image.Width, image.Height));
    }

    [Fact]
    public async Task SameRequest_GivesSameBytes_DifferentSeedOrPrompt_DoesNot()
    {
        var request = new ImageGenerationRequest("a red fox") { Size = new ImageSize(64, 64), Seed = 7 };
        var a = (await _generator.GenerateAsync(request)).Image.Data.ToArray();
        var b = (await _generator.GenerateAsync(request)).Image.Data.ToArray();
        var c = (await _generator.GenerateAsync(request with { Seed = 8 })).Image.Data.ToArray();
        var d = (await _generator.GenerateAsync(request with { Prompt = "a blue fox" })).Image.Data.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
    }

    [Fact]
    public async Task Count_GivesDistinctImagesWithConsecutiveSeeds_AtZeroCost()
    {
        var result = await _generator.GenerateAsync(new ImageGenerationRequest("tiles") { Size = new ImageSize(32, 32), Count = 3, Seed = 100 });
        Assert.Equal([100L, 101L, 102L], result.Images.Select(i => i.Seed!.Value));
        Assert.Equal(3, result.Images.Select(i => Convert.ToBase64String(i.Data.Span)).Distinct().Count());
        Assert.Equal(0m, result.Cost!.Usd);
        Assert.Equal("placeholder", result.Provider);
        Assert.Equal("placeholder-v1", result.Model);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task NonPngFormat_WarnsAndReturnsPng()
    {
        var result = await _generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(32, 32), OutputFormat = ImageFormat.Jpeg });
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("OutputFormat", "jpeg", "png"), (warning.Setting, warning.RequestedValue, warning.AppliedValue));
        Assert.Equal("image/png", result.Image.MediaType);
    }

    [Fact]
    public async Task AspectRatioAndUpscale_DecideTheSize()
    {
        var wide = await _generator.GenerateAsync(new ImageGenerationRequest("x") { AspectRatio = AspectRatio.Landscape16x9 });
        Assert.InRange((double)wide.Image.Width!.Value / wide.Image.Height!.Value, 1.7, 1.85);
        var input = ImageInput.FromBytes(TestImages.Png(40, 30));
        var upscaled = await _generator.UpscaleAsync(input);
        Assert.Equal((80, 60), (upscaled.Image.Width!.Value, upscaled.Image.Height!.Value));
    }

    [Fact]
    public async Task LoraRequest_WithThrowBehavior_IsInvalidRequest()
    {
        var strict = new PlaceholderImageGenerator(new PlaceholderImageGeneratorOptions { UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => strict.GenerateAsync(new ImageGenerationRequest("x") { Loras = [new LoraWeight("owner/lora")] }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
    }

    [Fact]
    public async Task Cancellation_IsHonoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(new ImageGenerationRequest("x"), cts.Token));
    }

    [Fact]
    public async Task SaveAsync_WritesTheBytes()
    {
        var result = await _generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(16, 16) });
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".png");
        try
        {
            await result.Image.SaveAsync(path);
            Assert.Equal(result.Image.Data.ToArray(), await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
