using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Pipeline;

public class ImageGeneratorBuilderTests
{
    private sealed class TaggingGenerator(IImageGenerator inner, string tag, List<string> log) : DelegatingImageGenerator(inner)
    {
        public string Tag { get; } = tag;

        public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            log.Add("enter " + Tag);
            var result = await base.GenerateAsync(request, cancellationToken);
            log.Add("leave " + Tag);
            return result with { Warnings = [.. result.Warnings, new ImageGenerationWarning(ImageGenerationWarningKind.Other, Tag, Tag)] };
        }
    }

    private sealed class OuterLayer(IImageGenerator inner, string tag, List<string> log) : DelegatingImageGenerator(new TaggingGenerator(inner, tag, log));

    [Fact]
    public async Task Build_FirstUseIsOutermost_AndLayersRunInOrder()
    {
        var log = new List<string>();
        var inner = new ScriptedImageGenerator();
        var generator = new ImageGeneratorBuilder(inner)
            .Use(g => new TaggingGenerator(g, "first", log))
            .Use(g => new TaggingGenerator(g, "second", log))
            .Build();

        var result = await generator.GenerateAsync("a fox");

        Assert.Equal(["enter first", "enter second", "leave second", "leave first"], log);
        Assert.Equal(["second", "first"], result.Warnings.Select(w => w.Setting));
        Assert.Equal("first", Assert.IsType<TaggingGenerator>(generator).Tag);
    }

    [Fact]
    public void GetService_FindsEachLayerAndTheProvider()
    {
        var inner = new PlaceholderImageGenerator();
        var log = new List<string>();
        var generator = new ImageGeneratorBuilder(inner).Use(g => new OuterLayer(g, "t", log)).Build();

        Assert.IsType<OuterLayer>(generator.GetService<OuterLayer>());
        Assert.Equal("t", generator.GetService<TaggingGenerator>()!.Tag);
        Assert.Same(inner, generator.GetService<PlaceholderImageGenerator>());
        Assert.Same(generator, generator.GetService<IImageGenerator>());
        Assert.Null(generator.GetService<string>());
        Assert.Null(generator.GetService<PlaceholderImageGenerator>(serviceKey: "some-key"));
        Assert.Throws<InvalidOperationException>(() => generator.GetRequiredService<string>());
        Assert.Equal("placeholder", generator.Metadata.ProviderName);
    }

    [Fact]
    public void Build_LayerReturningNull_Throws()
    {
        var builder = new ImageGeneratorBuilder(new ScriptedImageGenerator()).Use(_ => null!);
        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public async Task Extensions_EditAndUpscale_BuildTheRightOperations()
    {
        var inner = new ScriptedImageGenerator();
        var image = ImageInput.FromBytes(TestImages.Png());
        await inner.EditAsync(image, "make it blue");
        await inner.EditAsync(image, "repaint", mask: image);
        await inner.UpscaleAsync(image);
        await inner.GenerateAsync("two", count: 2);
        var requests = inner.Requests.ToArray();
        Assert.Equal(ImageOperation.ImageToImage, requests[0].Operation);
        Assert.Equal(ImageOperation.Inpaint, requests[1].Operation);
        Assert.Same(image, requests[1].Mask);
        Assert.Equal(ImageOperation.Upscale, requests[2].Operation);
        Assert.Null(requests[2].Prompt);
        Assert.Equal(2, requests[3].Count);
    }
}
