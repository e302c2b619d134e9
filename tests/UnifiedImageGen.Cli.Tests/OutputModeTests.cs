namespace UnifiedImageGen.Cli.Tests;

public sealed class OutputModeTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Generate_WhenOutputIsRedirected_WritesOnlyFilePathsToStdout()
    {
        _cli.Redirected = true;

        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32", "-n", "2");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal([_cli.InWork("a-fox-1.png"), _cli.InWork("a-fox-2.png")], run.OutLines);
        Assert.DoesNotContain('\u001b', run.Out + run.Error);
        Assert.Contains("[00:00] Generating 2 image(s) with placeholder", run.Error, StringComparison.Ordinal);
        Assert.Contains("placeholder/placeholder-v1: 2 image(s) saved", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WithPlainOnATerminal_WritesPlainLines()
    {
        _cli.Redirected = false;

        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--plain");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal([_cli.InWork("a-fox.png")], run.OutLines);
    }

    [Fact]
    public async Task Generate_OnATerminal_DrawsATableOfTheFiles()
    {
        _cli.Redirected = false;

        var run = await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--seed", "5");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("File", run.Out, StringComparison.Ordinal);
        Assert.Contains("32x32", run.Out, StringComparison.Ordinal);
        Assert.Contains("a-fox.png", run.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(_cli.InWork("a-fox.png")));
    }
}
