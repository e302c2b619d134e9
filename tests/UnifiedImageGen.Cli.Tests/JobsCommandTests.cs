using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Cli.Tests;

public sealed class JobsCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly FakeJobGenerator _jobs = new();

    public JobsCommandTests() => _cli.Generator = _jobs;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task JobsStatus_PrintsWhereTheJobStands()
    {
        var run = await _cli.RunAsync("jobs", "status", FakeJobGenerator.Name, "job-1");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("status: running", run.OutLines);
        Assert.Contains("progress: 40%", run.OutLines);
        Assert.Contains("model: fake-model", run.OutLines);
        Assert.Contains("log: step 4/10", run.OutLines);
    }

    [Fact]
    public async Task JobsStatus_OfAnUnknownJob_ReturnsBadInput()
    {
        var run = await _cli.RunAsync("jobs", "status", FakeJobGenerator.Name, "job-404");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("No job job-404", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobsCancel_AsksTheProviderToCancel()
    {
        var run = await _cli.RunAsync("jobs", "cancel", FakeJobGenerator.Name, "job-9");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(["job-9"], _jobs.Cancelled);
        Assert.Contains("status: canceled", run.OutLines);
    }

    [Fact]
    public async Task JobsWatch_ShowsProgressLinesAndSavesTheImages()
    {
        var run = await _cli.RunAsync("jobs", "watch", FakeJobGenerator.Name, "job-1", "--out", "done/");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Contains("fakejobs job job-1: queued (position 2)", run.Error, StringComparison.Ordinal);
        Assert.Contains("fakejobs job job-1: running 50%", run.Error, StringComparison.Ordinal);
        string file = Assert.Single(Directory.GetFiles(_cli.InWork("done")));
        Assert.Equal((40, 30), (PngChecker.Check(File.ReadAllBytes(file)).Width, PngChecker.Check(File.ReadAllBytes(file)).Height));
        Assert.Equal([file], run.OutLines);
    }

    [Fact]
    public async Task Jobs_ForAProviderWithoutJobs_ReturnsBadInputNamingThoseWithJobs()
    {
        _cli.Generator = new ScriptedImageGenerator("scripted");

        var run = await _cli.RunAsync("jobs", "status", "scripted", "job-1");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("does not run queued jobs", run.Error, StringComparison.Ordinal);
        Assert.Contains("replicate", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_ForAnotherProviderThanTheOneInUse_ReturnsBadInput()
    {
        var run = await _cli.RunAsync("jobs", "status", "fal", "job-1");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
    }

    [Fact]
    public async Task Generate_OnAJobProvider_ReportsQueueAndProgressAndRecordsTheCost()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--out", "fox.png");

        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Single(_jobs.Started);
        Assert.Contains("queued (position 3)", run.Error, StringComparison.Ordinal);
        Assert.Contains("running 50%", run.Error, StringComparison.Ordinal);
        PngChecker.Check(File.ReadAllBytes(_cli.InWork("fox.png")));

        _cli.Generator = null;
        var cost = await _cli.RunAsync("cost", "--by", "provider");
        Assert.Equal("fakejobs\t1\t1\t0.00\t0.01", cost.OutLines[1]);
    }

    [Fact]
    public async Task Generate_OnAJobProvider_WhenCancelled_CancelsTheJobAtTheProvider()
    {
        _jobs.Stall = true;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var run = await _cli.RunAsync(["generate", "a fox"], cancel.Token);

        Assert.Equal(ExitCode.Canceled, run.ExitCode);
        Assert.Equal(["job-1"], _jobs.Cancelled);
    }
}
