using Sample05;

namespace UnifiedImageGen.Samples.Tests;

public sealed class Sample05BatchCatalogTests
{
    [Fact]
    public void Catalog_Has200ItemsWithUniqueIds()
    {
        var items = Catalog.All();

        Assert.Equal(200, items.Count);
        Assert.Equal(200, items.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public async Task Limit10_WritesTenPngsAndCostSummary_RerunSkipsThem()
    {
        using var folder = new TempFolder();
        string[] args = ["--offline", "--limit", "10", "--output", folder.Path];

        var first = new StringWriter();
        int exitCode = await BatchCatalogSample.RunAsync(args, first);

        Assert.True(exitCode == 0, first.ToString());
        Assert.Equal(10, Directory.GetFiles(folder.Path, "*.png").Length);
        Assert.Equal(10, File.ReadAllLines(Path.Combine(folder.Path, Manifest.FileName)).Length);
        Assert.Contains("This run: 10 rendered, 0 skipped", first.ToString());
        Assert.Contains("Cost summary", first.ToString());
        Assert.Contains("placeholder/placeholder-v1: 10 image(s)", first.ToString());
        Assert.All(Directory.GetFiles(folder.Path, "*.png"), file => Assert.Equal(0x89, File.ReadAllBytes(file)[0]));

        var second = new StringWriter();
        exitCode = await BatchCatalogSample.RunAsync(args, second);

        Assert.True(exitCode == 0, second.ToString());
        Assert.Contains("10 already done (skipped), 0 to render", second.ToString());
        Assert.Contains("This run: 0 rendered, 10 skipped", second.ToString());
        Assert.Contains("all runs (manifest): 10 image(s)", second.ToString());
        Assert.Equal(10, Directory.GetFiles(folder.Path, "*.png").Length);
        Assert.Equal(10, File.ReadAllLines(Path.Combine(folder.Path, Manifest.FileName)).Length);
    }

    [Fact]
    public async Task StoppedAfterThreeItems_KeepsThem_RerunRendersOnlyTheRest()
    {
        using var folder = new TempFolder();
        string[] args = ["--offline", "--limit", "10", "--parallel", "1", "--output", folder.Path];
        using var stop = new CancellationTokenSource();
        var first = new StopAfterProgress(" 3/10", stop); // like Ctrl+C once the third image is done

        int exitCode = await BatchCatalogSample.RunAsync(args, first, stop.Token);

        Assert.True(exitCode == 130, first.ToString());
        Assert.Contains("run the same command again to resume", first.ToString());
        Assert.Equal(3, Directory.GetFiles(folder.Path, "*.png").Length);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial"));

        var second = new StringWriter();
        exitCode = await BatchCatalogSample.RunAsync(args, second);

        Assert.True(exitCode == 0, second.ToString());
        Assert.Contains("3 already done (skipped), 7 to render", second.ToString());
        Assert.Contains("10/10 catalog items done", second.ToString());
        Assert.Equal(10, Directory.GetFiles(folder.Path, "*.png").Length);
    }

    [Fact]
    public async Task TornManifestLine_ItemIsRenderedAgain()
    {
        using var folder = new TempFolder();
        string[] args = ["--offline", "--limit", "2", "--output", folder.Path];
        Assert.Equal(0, await BatchCatalogSample.RunAsync(args, new StringWriter()));
        string manifest = Path.Combine(folder.Path, Manifest.FileName);
        string[] lines = File.ReadAllLines(manifest);
        File.WriteAllText(manifest, lines[0] + "\n" + lines[1][..10]); // a crash in the middle of the second line

        var rerun = new StringWriter();
        Assert.Equal(0, await BatchCatalogSample.RunAsync(args, rerun));

        Assert.Contains("1 already done (skipped), 1 to render", rerun.ToString());
        Assert.Contains("2/2 catalog items done", rerun.ToString());
    }

    /// <summary>A writer that cancels when a progress line contains the given text.</summary>
    private sealed class StopAfterProgress(string marker, CancellationTokenSource stop) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
            {
                stop.Cancel();
            }
        }
    }
}
