using UnifiedImageGen.Testing;

namespace UnifiedImageGen.StabilityAI.Tests;

public class AllocationTests
{
    [Fact]
    public async Task A15MegabyteImageBody_CostsTheImageArrayPlusAFewKilobytes()
    {
        // An image/* answer with a Content-Length is read straight into one exact-size array.
        byte[] image = new byte[1_500_000];
        new Random(3).NextBytes(image);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(image, 0); // the provider checks the answer is an image
        using var generator = new StabilityAIImageGenerator(new HttpClient(new StaticBodyHandler(image, "image/png")), new StabilityAIImageGeneratorOptions { ApiKey = "sk-test" });

        long allocated = AllocationProbe.MeasureSecondCall(() => generator.GenerateAsync(new ImageGenerationRequest("a red fox in snow")));

        Assert.InRange(allocated - image.Length, 0, 8 * 1024);
        Assert.Equal(image, (await generator.GenerateAsync(new ImageGenerationRequest("x"))).Images[0].Data.ToArray());
    }
}
