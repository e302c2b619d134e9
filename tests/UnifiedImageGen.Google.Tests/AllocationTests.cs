using System.Text;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Google.Tests;

public class AllocationTests
{
    [Fact]
    public async Task A15MegabyteInlineImage_CostsTheImageArrayPlusAFewKilobytes()
    {
        byte[] image = new byte[1_500_000];
        new Random(2).NextBytes(image);
        byte[] body = Encoding.UTF8.GetBytes($$$"""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"{{{Convert.ToBase64String(image)}}}"}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1290,"totalTokenCount":1302},"modelVersion":"gemini-2.5-flash-image"}""");
        using var generator = new GoogleImageGenerator(new HttpClient(new StaticBodyHandler(body, "application/json")), new GoogleImageGeneratorOptions { ApiKey = "AIza-test" });

        long allocated = AllocationProbe.MeasureSecondCall(() => generator.GenerateAsync(new ImageGenerationRequest("a red fox in snow")));

        Assert.InRange(allocated - image.Length, 0, 8 * 1024);
        Assert.Equal(image, (await generator.GenerateAsync(new ImageGenerationRequest("x"))).Images[0].Data.ToArray());
    }
}
