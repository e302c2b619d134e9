using UnifiedImageGen.Providers;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Pipeline;

public class ImageBatchTests
{
    [Fact]
    public async Task Count_IsSplitIntoCallsOfAtMostTheLimit_WithDistinctSeeds()
    {
        var inner = new ScriptedImageGenerator();
        var result = await ImageBatch.RunAsync(new ImageGenerationRequest("x") { Count = 7, Seed = 100 }, 3, inner.GenerateAsync);
        Assert.Equal(7, result.Images.Count);
        var calls = inner.Requests.OrderBy(r => r.Seed).ToArray();
        Assert.Equal([3, 3, 1], calls.Select(r => r.Count));
        Assert.Equal([100L, 103L, 106L], calls.Select(r => r.Seed!.Value));
    }

    [Fact]
    public async Task PartialFailure_KeepsThePaidImages_AndMarksTheFailedSlots()
    {
        var inner = new ScriptedImageGenerator(respond: (request, call, _) => call == 2
            ? Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "slow down"))
            : Task.FromResult(ScriptedImageGenerator.Result("scripted", request) with { Cost = new ImageCost { EstimatedUsd = 0.1m * request.Count, ReportedUsd = 0.1m * request.Count } }));
        var result = await ImageBatch.RunAsync(new ImageGenerationRequest("x") { Count = 5 }, 2, inner.GenerateAsync, maxConcurrency: 1);
        Assert.Equal(5, result.Images.Count);
        Assert.Equal(3, result.Images.Count(i => i.IsSuccess));
        Assert.Equal(2, result.Images.Count(i => i.Error?.Kind == ImageGenerationErrorKind.RateLimited));
        Assert.Equal(0.3m, result.Cost!.ReportedUsd);
    }

    [Fact]
    public async Task EveryCallFailing_ThrowsTheFirstError()
    {
        var inner = new ScriptedImageGenerator(respond: (_, call, _) => Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, "down " + call)));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => ImageBatch.RunAsync(new ImageGenerationRequest("x") { Count = 4 }, 2, inner.GenerateAsync, maxConcurrency: 1));
        Assert.Equal("down 1", ex.Message);
    }
}
