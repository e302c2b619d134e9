using UnifiedImageGen.Testing;

namespace UnifiedImageGen.StabilityAI.Tests;

/// <summary>Runs against api.stability.ai only when STABILITY_API_KEY is set; 3 credits ($0.03) a run.</summary>
public class StabilityAILiveTests
{
    [LiveFact("STABILITY_API_KEY")]
    public async Task Live_Core()
    {
        using var generator = new StabilityAIImageGenerator(Environment.GetEnvironmentVariable("STABILITY_API_KEY")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Model = "core", Seed = 1 });
        Assert.True(result.Image.Data.Length > 1000);
        Assert.Equal(1L, result.Image.Seed);
    }
}
