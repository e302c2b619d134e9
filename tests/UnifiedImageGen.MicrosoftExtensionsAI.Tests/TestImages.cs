using UnifiedImageGen.Placeholder;

namespace UnifiedImageGen.MicrosoftExtensionsAI.Tests;

internal static class TestImages
{
    /// <summary>A real PNG of the given size, from the offline provider.</summary>
    public static byte[] Png(int width = 32, int height = 24, long seed = 7) =>
        new PlaceholderImageGenerator(new PlaceholderImageGeneratorOptions { DrawCaption = false })
            .GenerateAsync(new ImageGenerationRequest("test image") { Size = new ImageSize(width, height), Seed = seed })
            .GetAwaiter().GetResult().Image.Data.ToArray();
}
