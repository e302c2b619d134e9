using Sample03;

namespace UnifiedImageGen.Samples.Tests;

public sealed class Sample03DependencyInjectionTests
{
    [Fact]
    public async Task Offline_GeneratesThroughPipelineAndKeyedProvider_PrintsRoutesCostAndSavedPaths()
    {
        using var folder = new TempFolder();
        var output = new StringWriter();

        int exitCode = await DependencyInjectionSample.RunAsync(["--offline", "--output", folder.Path], output);

        string text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.Contains("placeholder only (offline", text);
        Assert.Contains("route placeholder/placeholder-v1: Succeeded", text);   // routes from appsettings.json, minus providers without a key
        Assert.Contains("from cache: True", text);                               // the repeated seeded request
        Assert.Contains("keyed provider \"placeholder\"", text);
        Assert.Contains("cost:  $0.0000", text);
        Assert.Contains("placeholder/placeholder-v1: 1 call(s), 1 image(s)", text); // the ledger: the cache hit and the keyed call are not billed
        Assert.True(File.Exists(Path.Combine(folder.Path, "routed.png")), text);
        Assert.True(File.Exists(Path.Combine(folder.Path, "keyed-placeholder.png")), text);
        Assert.Contains("saved: " + Path.Combine(folder.Path, "routed.png"), text);
    }
}
