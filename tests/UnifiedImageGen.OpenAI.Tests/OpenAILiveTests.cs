using UnifiedImageGen.Testing;

namespace UnifiedImageGen.OpenAI.Tests;

/// <summary>Runs against api.openai.com only when OPENAI_API_KEY is set; costs about $0.01 a run.</summary>
public class OpenAILiveTests
{
    [LiveFact("OPENAI_API_KEY")]
    public async Task Live_GeneratesALowQualityImage()
    {
        using var generator = new OpenAIImageGenerator(Environment.GetEnvironmentVariable("OPENAI_API_KEY")!);
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Model = "gpt-image-1-mini", Quality = ImageQuality.Low, Size = new ImageSize(1024, 1024) });
        Assert.True(result.Image.Data.Length > 1000);
        Assert.NotNull(result.Usage);
        Assert.NotNull(result.Cost!.ReportedUsd);
    }
}
