using System.Drawing;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;
using Meai = Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI.Tests;

public class RoundTripTests
{
    [Fact]
    public async Task Placeholder_ThroughBothAdapters_GivesTheSameImagesAsCallingItDirectly()
    {
        var placeholder = new PlaceholderImageGenerator();
        using var bridged = (IDisposable)placeholder.AsMicrosoftImageGenerator().AsUnifiedImageGenerator();
        var request = new ImageGenerationRequest("a lighthouse at dusk")
        {
            Count = 2,
            Size = new ImageSize(64, 40),
            Seed = 1234,
            NegativePrompt = "fog",
            Quality = ImageQuality.High,
            Steps = 20,
            GuidanceScale = 3.5,
        };

        var direct = await placeholder.GenerateAsync(request);
        var viaMicrosoft = await ((IImageGenerator)bridged).GenerateAsync(request);

        Assert.Equal(direct.Images.Select(i => i.Data.ToArray()), viaMicrosoft.Images.Select(i => i.Data.ToArray()));
        Assert.Equal(direct.Images.Select(i => (i.Seed, i.Width, i.Height, i.MediaType)), viaMicrosoft.Images.Select(i => (i.Seed, i.Width, i.Height, i.MediaType)));
        Assert.Equal(("placeholder", "placeholder-v1", direct.ProviderRequestId), (viaMicrosoft.Provider, viaMicrosoft.Model, viaMicrosoft.ProviderRequestId));
        Assert.Equal(0m, viaMicrosoft.Cost!.Usd);
        Assert.Equal(direct.Cost!.Basis, viaMicrosoft.Cost.Basis);
        var response = Assert.IsType<Meai.ImageGenerationResponse>(viaMicrosoft.RawRepresentation);
        Assert.IsType<ImageGenerationResult>(response.RawRepresentation);
        foreach (var image in viaMicrosoft.Images)
        {
            PngChecker.Check(image.Data.Span);
        }
    }

    [Fact]
    public async Task Inpaint_ThroughBothAdapters_KeepsTheOperationImageAndMask()
    {
        var placeholder = new PlaceholderImageGenerator();
        var bridged = placeholder.AsMicrosoftImageGenerator().AsUnifiedImageGenerator();
        var image = ImageInput.FromBytes(TestImages.Png(48, 36));
        var mask = ImageInput.FromBytes(TestImages.Png(48, 36, seed: 99));

        var direct = await placeholder.EditAsync(image, "a red door", mask);
        var viaMicrosoft = await bridged.EditAsync(image, "a red door", mask);

        Assert.Equal(direct.Image.Data.ToArray(), viaMicrosoft.Image.Data.ToArray());
        Assert.Equal((48, 36), (viaMicrosoft.Image.Width!.Value, viaMicrosoft.Image.Height!.Value));
    }

    [Fact]
    public async Task MicrosoftGenerator_ThroughBothAdapters_SeesTheSameOptions()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));
        var bridged = fake.AsUnifiedImageGenerator(o => o.ProviderName = "vendor").AsMicrosoftImageGenerator();
        var options = new Meai.ImageGenerationOptions
        {
            Count = 2,
            ImageSize = new Size(512, 512),
            MediaType = "image/png",
            ModelId = "vendor-1",
            AdditionalProperties = new() { ["seed"] = 9L, ["negative_prompt"] = "text", ["moderation"] = "low" },
        };

        var response = await Meai.ImageGeneratorExtensions.GenerateImagesAsync(bridged, "a fox", options);

        var seen = fake.Calls.Single().Options!;
        Assert.Equal((2, new Size(512, 512), "image/png", "vendor-1"), (seen.Count!.Value, seen.ImageSize!.Value, seen.MediaType, seen.ModelId));
        Assert.Equal(9L, seen.AdditionalProperties!["seed"]);
        Assert.Equal("text", seen.AdditionalProperties["negative_prompt"]);
        Assert.Equal("low", seen.AdditionalProperties["moderation"]?.ToString());
        var content = Assert.IsType<Meai.DataContent>(Assert.Single(response.Contents));
        Assert.Equal("vendor", content.AdditionalProperties![AdditionalPropertyNames.Provider]);
    }

    [Fact]
    public async Task Router_FallsBackFromAFailingMicrosoftGenerator_AndRecordsTheAttempt()
    {
        var failing = FakeMicrosoftImageGenerator.Throwing(new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable));
        var router = new FallbackImageGenerator(
        [
            new ImageRoute(failing.AsUnifiedImageGenerator(o => o.ProviderName = "vendor"), "vendor-image-1"),
            new ImageRoute(new PlaceholderImageGenerator()),
        ]);

        var result = await router.GenerateAsync(new ImageGenerationRequest("a fox") { Size = new ImageSize(32, 32) });

        Assert.Equal("placeholder", result.Provider);
        Assert.Equal((RouteAttemptOutcome.Failed, ImageGenerationErrorKind.ProviderUnavailable), (result.Attempts[0].Outcome, result.Attempts[0].ErrorKind!.Value));
        Assert.Equal("vendor", result.Attempts[0].Provider);
        PngChecker.Check(result.Image.Data.Span);
    }

    [Fact]
    public async Task DependencyInjection_RegistersTheMicrosoftGeneratorAsANamedProvider_BehindFallbackAndCaching()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));
        var services = new ServiceCollection();
        services.AddImageGeneration()
            .AddMicrosoftImageGenerator("vendor", _ => fake, o => o.DefaultModel = "vendor-image-1")
            .AddPlaceholder()
            .UseFallback("vendor", "placeholder")
            .UseCaching();

        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            var keyed = provider.GetRequiredKeyedService<IImageGenerator>("vendor");
            Assert.Equal(("vendor", "vendor-image-1"), (keyed.Metadata.ProviderName, keyed.Metadata.DefaultModel));

            var pipeline = provider.GetRequiredService<IImageGenerator>();
            var request = new ImageGenerationRequest("a fox") { Seed = 5 };
            var first = await pipeline.GenerateAsync(request);
            var second = await pipeline.GenerateAsync(request);

            Assert.Equal(("vendor", "vendor-image-1"), (first.Provider, first.Model));
            Assert.True(second.FromCache);
            Assert.Single(fake.Calls);
        }

        Assert.True(fake.Disposed, "a generator made by the factory belongs to the provider");
    }

    [Fact]
    public async Task DependencyInjection_WithoutFactory_ResolvesTheGeneratorFromTheContainer_AndLeavesItsDisposalThere()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));
        var services = new ServiceCollection();
        services.AddKeyedSingleton<Meai.IImageGenerator>("vendor", fake);
        services.AddImageGeneration().AddMicrosoftImageGenerator("vendor");

        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            var result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync("a fox");
            Assert.Equal("vendor", result.Provider);
        }

        Assert.False(fake.Disposed);
    }

    [Fact]
    public void DependencyInjection_DuplicateName_ThrowsArgumentException()
    {
        var builder = new ServiceCollection().AddImageGeneration().AddPlaceholder();

        Assert.Throws<ArgumentException>(() => builder.AddMicrosoftImageGenerator(PlaceholderImageGenerator.ProviderName));
    }
}
