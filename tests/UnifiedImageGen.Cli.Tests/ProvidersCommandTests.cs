using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Tests;

public sealed class ProvidersCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Providers_ListsEveryProviderWithItsModels()
    {
        var run = await _cli.RunAsync("providers");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var rows = run.OutLines.Skip(1).Select(line => line.Split('\t')).ToArray();
        foreach (var provider in ProviderCatalog.All)
        {
            Assert.Contains(rows, r => r[0] == provider.Name && r[2].Length > 0);
        }

        Assert.Contains(rows, r => r[0] == "openai" && r[2] == "dall-e-3");
        Assert.Contains(rows, r => r[0] == "placeholder" && r[2] == "placeholder-v1" && r[3] == "yes" && r[5].Contains("upscale", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Length != 6);
    }

    [Fact]
    public async Task Providers_ShowsWhichProvidersHaveKeys()
    {
        _cli.Environment["FAL_KEY"] = "fal-test-key";

        var run = await _cli.RunAsync("providers", "--provider", "fal");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        var rows = run.OutLines.Skip(1).Select(line => line.Split('\t')).ToArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(["fal", "configured"], r[..2]));
        Assert.DoesNotContain("fal-test-key", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_WithoutKeys_SaysWhichVariableToSet()
    {
        var run = await _cli.RunAsync("providers", "-p", "firefly");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("set FIREFLY_CLIENT_ID + FIREFLY_CLIENT_SECRET", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_OnATerminal_DrawsATable()
    {
        _cli.Redirected = false;

        var run = await _cli.RunAsync("providers", "-p", "openai");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("Capabilities", run.Out, StringComparison.Ordinal);
        Assert.Contains("gpt-image-1", run.Out, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", run.Out, StringComparison.Ordinal);
    }
}
