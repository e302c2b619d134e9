using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Fal.Tests;

/// <summary>Runs against fal.ai only when FAL_KEY is set; about $0.003 a run.</summary>
public class FalLiveTests
{
    [LiveFact("FAL_KEY")]
    public async Task Live_FluxSchnellThroughTheQueue()
    {
        using var generator = new FalImageGenerator(Environment.GetEnvironmentVariable("FAL_KEY")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Model = FalModels.FluxSchnell, Seed = 1 });
        Assert.True(result.Image.Data.Length > 1000);
    }
}
