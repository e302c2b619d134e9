using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Replicate.Tests;

/// <summary>Runs against api.replicate.com only when REPLICATE_API_TOKEN is set; about $0.003 a run.</summary>
public class ReplicateLiveTests
{
    [LiveFact("REPLICATE_API_TOKEN")]
    public async Task Live_FluxSchnell()
    {
        using var generator = new ReplicateImageGenerator(Environment.GetEnvironmentVariable("REPLICATE_API_TOKEN")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Seed = 1, AspectRatio = AspectRatio.Square });
        Assert.True(result.Image.Data.Length > 1000);
    }
}
