using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Cli.Tests;

public sealed class CostCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public CostCommandTests()
    {
        _cli.Environment["IMAGEGEN_LEDGER"] = Path.Combine(_cli.Root, "ledger", "costs.json");
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Cost_ShowsWhatEarlierGenerateRunsRecorded()
    {
        _cli.Generator = new ScriptedImageGenerator("scripted", (request, _, _) => Task.FromResult(ScriptedImageGenerator.Result("scripted", request) with
        {
            Cost = new ImageCost { EstimatedUsd = 0.04m, ReportedUsd = 0.04m, Basis = "test price" },
        }));
        Assert.Equal(ExitCode.Success, (await _cli.RunAsync("generate", "a fox", "-n", "2")).ExitCode);
        Assert.Equal(ExitCode.Success, (await _cli.RunAsync("generate", "a hen")).ExitCode);
        _cli.Generator = null;

        var run = await _cli.RunAsync("cost", "--by", "provider,model");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(["provider\tmodel\tcalls\timages\testimated_usd\tactual_usd", "scripted\tmodel-1\t2\t3\t0.00\t0.08"], run.OutLines);
    }

    [Fact]
    public async Task Cost_GroupsByDayByDefault_AndReadsTheLedgerNamedByOption()
    {
        string ledger = Path.Combine(_cli.Root, "other.json");
        Assert.Equal(ExitCode.Success, (await _cli.RunAsync("generate", "a fox", "--size", "32x32", "--ledger", ledger)).ExitCode);

        var run = await _cli.RunAsync("cost", "--ledger", ledger);

        Assert.Equal(ExitCode.Success, run.ExitCode);
        string today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"{today}\tplaceholder\tplaceholder-v1\t1\t1\t0.00\t0.00", run.OutLines[1]);
        Assert.False(File.Exists(_cli.Environment["IMAGEGEN_LEDGER"]));
    }

    [Fact]
    public async Task Cost_WithNothingRecorded_SaysSo()
    {
        var run = await _cli.RunAsync("cost");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("No costs recorded", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Cost_WithAnUnknownGrouping_ReturnsBadInput()
    {
        var run = await _cli.RunAsync("cost", "--by", "colour");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("--by", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cost_OnATerminal_DrawsATableWithATotal()
    {
        Assert.Equal(ExitCode.Success, (await _cli.RunAsync("generate", "a fox", "--size", "32x32")).ExitCode);
        _cli.Redirected = false;

        var run = await _cli.RunAsync("cost");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("Total", run.Out, StringComparison.Ordinal);
        Assert.Contains("placeholder", run.Out, StringComparison.Ordinal);
    }
}
