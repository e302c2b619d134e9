using System.Text;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.OpenAI.Tests;

public class AllocationTests
{
    [Fact]
    public void A15MegabyteB64JsonImage_IsAllocatedOnce_NoImageSizedCopy()
    {
        // The issue-9 target, checked without timing: the image is decoded once into its own array, nothing else is
        // sized by it (the body goes through a pooled buffer).
        byte[] image = AllocationProbe.RandomImage(1_500_000, seed: 1);
        byte[] body = Encoding.UTF8.GetBytes($$$"""{"created":1745430000,"data":[{"b64_json":"{{{Convert.ToBase64String(image)}}}"}],"usage":{"input_tokens":50,"output_tokens":4160,"total_tokens":4210}}""");
        using var generator = new OpenAIImageGenerator(new HttpClient(new StaticBodyHandler(body, "application/json")), new OpenAIImageGeneratorOptions { ApiKey = "sk-test", DefaultModel = "gpt-image-1" });

        AllocationProbe.AssertAllocatesTheImageOnce(generator, image);
    }
}
