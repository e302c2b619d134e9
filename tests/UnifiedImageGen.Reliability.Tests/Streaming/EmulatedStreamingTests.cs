using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Emulator.Images;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Streaming;

/// <summary>
/// OpenAI's server-sent partial images over a real socket: previews arrive as updates and the completed image is the
/// one the emulator delivered; a stream that breaks off or carries a broken image ends in a typed error.
/// </summary>
public sealed class EmulatedStreamingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly ProviderUnderTest OpenAI = ProviderUnderTest.All.Single(p => p.Emulated == "openai");

    [Fact]
    public async Task PartialImages_ThenTheCompletedImage()
    {
        await using var services = Pipeline(fault: null);
        var updates = new List<ImageGenerationUpdate>();
        await foreach (var update in services.GetRequiredKeyedService<IImageGenerator>("openai").GenerateStreamingAsync(Request()))
        {
            updates.Add(update);
        }

        Assert.Equal([ImageGenerationUpdateKind.PartialImage, ImageGenerationUpdateKind.PartialImage, ImageGenerationUpdateKind.Completed], updates.Select(u => u.Kind));
        Assert.Equal([0, 1], updates.Take(2).Select(u => u.PartialImageIndex ?? -1));
        Assert.All(updates.Take(2), u => PngChecker.Check(u.PartialImage!.Data.Span));
        var image = Assert.Single(updates[^1].Result!.Images);
        Assert.Equal(fixture.Emulator.Images.Delivered("openai"), [ImageStore.Hash(image.Data.Span)]);
    }

    [Theory]
    [InlineData(FaultKind.ResetMidBody, ImageGenerationErrorKind.ProviderUnavailable)]
    [InlineData(FaultKind.InvalidBase64, ImageGenerationErrorKind.UnexpectedResponse)]
    public async Task ABrokenStream_EndsInATypedError(FaultKind fault, ImageGenerationErrorKind kind)
    {
        await using var services = Pipeline(fault);
        var generator = services.GetRequiredKeyedService<IImageGenerator>("openai");

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(async () =>
        {
            await foreach (var _ in generator.GenerateStreamingAsync(Request()))
            {
            }
        });

        Assert.Equal(kind, ex.Kind);
        Assert.Equal("openai", ex.Provider);
    }

    private static ImageGenerationRequest Request() => new("a lighthouse at dusk") { Model = OpenAI.Model };

    private ServiceProvider Pipeline(FaultKind? fault)
    {
        var emulator = fixture.Emulator;
        emulator.Reset();
        emulator.TimeProvider = TimeProvider.System;
        if (fault is { } kind)
        {
            emulator.Faults.Add(new FaultRule("openai", EmulatedOperation.Submit, kind));
        }

        return EmulatedPipeline.Build(emulator, [OpenAI], time: null, counter: null, _ => { }, routing => routing.Routes.Add(OpenAI.Route));
    }
}
