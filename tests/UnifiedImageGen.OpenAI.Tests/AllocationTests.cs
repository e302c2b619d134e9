using System.Text;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.OpenAI.Tests;

public class AllocationTests
{
    [Fact]
    public async Task A15MegabyteB64JsonImage_CostsTheImageArrayPlusAFewKilobytes()
    {
        // The issue-9 target, checked without timing: the image is decoded once into its own array, nothing else is
        // sized by it (the body goes through a pooled buffer).
        byte[] image = new byte[1_500_000];
        new Random(1).NextBytes(image);
        byte[] body = Encoding.UTF8.GetBytes($$$"""{"created":1745430000,"data":[{"b64_json":"{{{Convert.ToBase64String(image)}}}"}],"usage":{"input_tokens":50,"output_tokens":4160,"total_tokens":4210}}""");
        using var generator = new OpenAIImageGenerator(new HttpClient(new StaticBodyHandler(body, "application/json")), new OpenAIImageGeneratorOptions { ApiKey = "sk-test", DefaultModel = "gpt-image-1" });

        long allocated = AllocationProbe.MeasureSecondCall(() => generator.GenerateAsync(new ImageGenerationRequest("a red fox in snow")));

        Assert.InRange(allocated - image.Length, 0, 8 * 1024);
        Assert.Equal(image, (await generator.GenerateAsync(new ImageGenerationRequest("x"))).Images[0].Data.ToArray());
    }
}
