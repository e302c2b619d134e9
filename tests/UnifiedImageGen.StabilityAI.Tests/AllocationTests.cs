using UnifiedImageGen.Testing;

namespace UnifiedImageGen.StabilityAI.Tests;

public class AllocationTests
{
    [Fact]
    public void A15MegabyteImageBody_IsAllocatedOnce_NoImageSizedCopy()
    {
        // An image/* answer with a Content-Length is read straight into one exact-size array.
        byte[] image = AllocationProbe.RandomImage(1_500_000, seed: 3);
        using var generator = new StabilityAIImageGenerator(new HttpClient(new StaticBodyHandler(image, "image/png")), new StabilityAIImageGeneratorOptions { ApiKey = "sk-test" });

        AllocationProbe.AssertAllocatesTheImageOnce(generator, image);
    }
}
