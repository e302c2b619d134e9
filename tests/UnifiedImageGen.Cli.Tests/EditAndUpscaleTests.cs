using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Cli.Tests;

public sealed class EditAndUpscaleTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Edit_WithAMask_SendsAnInpaintWithBothImages()
    {
        await WritePngAsync("photo.png", 48, 32);
        await WritePngAsync("mask.png", 48, 32);
        var scripted = new ScriptedImageGenerator("scripted");
        _cli.Generator = scripted;

        var run = await _cli.RunAsync("edit", "photo.png", "make", "it", "blue", "--mask", "mask.png");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var request = Assert.Single(scripted.Requests);
        Assert.Equal(ImageOperation.Inpaint, request.Operation);
        Assert.Equal("make it blue", request.Prompt);
        Assert.Equal(new ImageSize(48, 32), Assert.Single(request.InputImages).Size);
        Assert.NotNull(request.Mask);
        Assert.True(File.Exists(_cli.InWork("photo-edited.png")));
    }

    [Fact]
    public async Task Edit_Offline_WritesAnImageOfTheInputsSize()
    {
        await WritePngAsync("photo.png", 48, 32);

        var run = await _cli.RunAsync("edit", "photo.png", "make it blue");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var png = PngChecker.Check(File.ReadAllBytes(_cli.InWork("photo-edited.png")));
        Assert.Equal((48, 32), (png.Width, png.Height));
    }

    [Fact]
    public async Task Edit_OfAMissingFile_ReturnsBadInputNamingTheArgument()
    {
        var run = await _cli.RunAsync("edit", "nope.png", "make it blue");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("<image>", run.Error, StringComparison.Ordinal);
        Assert.Contains("nope.png", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_WithAMaskThatIsNoImage_ReturnsBadInputNamingTheOption()
    {
        await WritePngAsync("photo.png", 48, 32);
        File.WriteAllText(_cli.InWork("mask.png"), "not an image");

        var run = await _cli.RunAsync("edit", "photo.png", "make it blue", "--mask", "mask.png");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("--mask", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upscale_Offline_DoublesTheImage()
    {
        await WritePngAsync("small.png", 40, 24);

        var run = await _cli.RunAsync("upscale", "small.png", "--out", "big/");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var png = PngChecker.Check(File.ReadAllBytes(_cli.InWork("big/small-upscaled.png")));
        Assert.Equal((80, 48), (png.Width, png.Height));
    }

    private async Task WritePngAsync(string name, int width, int height)
    {
        var result = await new PlaceholderImageGenerator().GenerateAsync(new ImageGenerationRequest(name) { Size = new ImageSize(width, height) });
        await result.Image.SaveAsync(_cli.InWork(name));
    }
}
