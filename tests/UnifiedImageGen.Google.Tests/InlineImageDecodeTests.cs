using System.Text;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Google.Tests;

public class InlineImageDecodeTests
{
    [Fact]
    public void A15MegabyteInlineImage_IsAllocatedOnce_NoImageSizedCopy()
    {
        byte[] image = AllocationProbe.RandomImage(1_500_000, seed: 2);
        byte[] body = Encoding.UTF8.GetBytes($$$"""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"{{{Convert.ToBase64String(image)}}}"}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1290,"totalTokenCount":1302},"modelVersion":"gemini-2.5-flash-image"}""");
        using var generator = new GoogleImageGenerator(new HttpClient(new StaticBodyHandler(body, "application/json")), new GoogleImageGeneratorOptions { ApiKey = "AIza-test" });

        AllocationProbe.AssertAllocatesTheImageOnce(generator, image);
    }

    [Fact]
    public async Task InlineImageWithJsonEscapes_DecodesTheSame()
    {
        // JSON may escape "/" as "\/"; such text cannot be decoded from the raw token and takes the unescaping path.
        byte[] image = AllocationProbe.RandomImage(3_000, seed: 4);
        string base64 = Convert.ToBase64String(image);
        Assert.Contains('/', base64);
        byte[] body = Encoding.UTF8.GetBytes($$$"""{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"{{{base64.Replace("/", "\\/", StringComparison.Ordinal)}}}"}}]},"finishReason":"STOP"}]}""");
        using var generator = new GoogleImageGenerator(new HttpClient(new StaticBodyHandler(body, "application/json")), new GoogleImageGeneratorOptions { ApiKey = "AIza-test" });

        var result = await generator.GenerateAsync(new ImageGenerationRequest("x"));

        Assert.Equal(image, result.Images[0].Data.ToArray());
    }
}
