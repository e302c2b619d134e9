using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Cli.Tests;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Generate_WithoutKeys_WritesValidPngsOfTheRequestedSizeAndCount()
    {
        var run = await _cli.RunAsync("generate", "a red fox in snow", "--size", "64x48", "--count", "3", "--out", "out/");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var files = Directory.GetFiles(_cli.InWork("out")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["a-red-fox-in-snow-1.png", "a-red-fox-in-snow-2.png", "a-red-fox-in-snow-3.png"], files.Select(Path.GetFileName));
        foreach (string file in files)
        {
            var png = PngChecker.Check(File.ReadAllBytes(file));
            Assert.Equal((64, 48), (png.Width, png.Height));
        }

        Assert.Equal(files, run.OutLines);
    }

    [Fact]
    public async Task Generate_WithoutKeys_SaysOnStderrThatItUsesThePlaceholderOffline()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("offline placeholder provider", run.Error, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("placeholder provider", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_PromptAsSeveralWords_JoinsThemAndNamesTheFileAfterThem()
    {
        var run = await _cli.RunAsync("generate", "A", "Red,", "Fox!", "--size", "32x32");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.True(File.Exists(_cli.InWork("a-red-fox.png")));
    }

    [Fact]
    public async Task Generate_OutFile_WritesExactlyThatFile()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--out", "art/fox.png");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal([_cli.InWork("art/fox.png")], Directory.GetFiles(_cli.InWork("art")));
        PngChecker.Check(File.ReadAllBytes(_cli.InWork("art/fox.png")));
    }

    [Fact]
    public async Task Generate_OutFileWithAnotherExtension_WritesTheImagesRealExtensionAndSaysSo()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--out", "fox.jpg");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.True(File.Exists(_cli.InWork("fox.png")));
        Assert.False(File.Exists(_cli.InWork("fox.jpg")));
        Assert.Contains("writing .png", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_OutFileWithSeveralImages_NumbersTheFiles()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32", "-n", "2", "--out", "fox.png");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.True(File.Exists(_cli.InWork("fox-1.png")));
        Assert.True(File.Exists(_cli.InWork("fox-2.png")));
        Assert.False(File.Exists(_cli.InWork("fox.png")));
    }

    [Fact]
    public async Task Generate_TwiceIntoTheSameFolder_NeverOverwrites()
    {
        Assert.Equal(ExitCode.Success, (await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--seed", "1", "--out", "shots")).ExitCode);
        Assert.Equal(ExitCode.Success, (await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--seed", "2", "--out", "shots")).ExitCode);

        Assert.Equal(["a-fox-2.png", "a-fox.png"], Directory.GetFiles(_cli.InWork("shots")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Generate_PassesEveryOptionIntoTheRequest()
    {
        var scripted = new ScriptedImageGenerator("scripted");
        _cli.Generator = scripted;

        var run = await _cli.RunAsync("generate", "a fox", "--model", "model-9", "-n", "2", "--size", "640x480", "--aspect", "4:3", "--seed", "42", "--format", "jpg", "--quality", "HD", "--negative", "blur");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var request = Assert.Single(scripted.Requests);
        Assert.Equal("a fox", request.Prompt);
        Assert.Equal("model-9", request.Model);
        Assert.Equal(2, request.Count);
        Assert.Equal(new ImageSize(640, 480), request.Size);
        Assert.Equal(new AspectRatio(4, 3), request.AspectRatio);
        Assert.Equal(42, request.Seed);
        Assert.Equal(ImageFormat.Jpeg, request.OutputFormat);
        Assert.Equal(ImageQuality.HD, request.Quality);
        Assert.Equal("blur", request.NegativePrompt);
        Assert.DoesNotContain("offline", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--size", "abc")]
    [InlineData("--size", "0x512")]
    [InlineData("--aspect", "wide")]
    [InlineData("--count", "0")]
    [InlineData("--format", "gif")]
    public async Task Generate_WithAMalformedValue_ReturnsBadInputNamingTheOption(string option, string value)
    {
        var run = await _cli.RunAsync("generate", "a fox", option, value);

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.Contains(value, run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cli.WorkingDirectory));
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("generate", "a fox", "--seed", "soon")]
    [InlineData("generate", "a fox", "--no-such-option")]
    [InlineData("teleport")]
    public async Task ArgumentsTheParserRejects_ReturnBadInput(params string[] args)
    {
        var run = await _cli.RunAsync(args);

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ReturnsSuccessAndListsTheCommands()
    {
        var run = await _cli.RunAsync("--help");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        foreach (string command in new[] { "generate", "edit", "upscale", "jobs", "providers", "cost" })
        {
            Assert.Contains(command, run.Out, StringComparison.Ordinal);
        }
    }
}
