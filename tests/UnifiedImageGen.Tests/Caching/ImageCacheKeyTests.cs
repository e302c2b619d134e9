using System.Text.Json.Nodes;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Tests.Caching;

public class ImageCacheKeyTests
{
    private static readonly ImageGenerationRequest Baseline = new("a red fox in snow") { Seed = 7 };

    private static string Key(ImageGenerationRequest request, string provider = "openai", string model = "gpt-image-2") =>
        ImageCacheKey.Compute(provider, model, request)!;

    [Theory]
    [InlineData("a red fox in snow")]
    [InlineData("  a red fox in snow  ")]
    [InlineData("a  red\tfox\n\nin   snow")]
    [InlineData("a\u00A0red fox in snow")]
    public void PromptsThatDifferOnlyInWhiteSpace_ShareAKey(string prompt) =>
        Assert.Equal(Key(Baseline), Key(Baseline with { Prompt = prompt }));

    [Fact]
    public void PromptsThatDifferOnlyInUnicodeForm_ShareAKey()
    {
        string composed = "caf\u00E9 cr\u00E8me";
        string decomposed = "cafe\u0301 cre\u0300me";
        Assert.NotEqual(composed, decomposed);
        Assert.Equal(Key(Baseline with { Prompt = composed }), Key(Baseline with { Prompt = decomposed }));
        Assert.Equal("caf\u00E9 cr\u00E8me", ImageCacheKey.NormalizePrompt(" cafe\u0301   cre\u0300me "));
    }

    [Fact]
    public void CaseIsKept_AndTheUserIsNotPartOfTheKey()
    {
        Assert.NotEqual(Key(Baseline), Key(Baseline with { Prompt = "A red fox in snow" }));
        Assert.Equal(Key(Baseline), Key(Baseline with { User = "someone" }));
    }

    public static TheoryData<string, ImageGenerationRequest> ChangedSettings()
    {
        var image = ImageInput.FromBytes(TestImages.Png(4, 4));
        var other = ImageInput.FromBytes(TestImages.Png(4, 5));
        return new()
        {
            { "seed", Baseline with { Seed = 8 } },
            { "count", Baseline with { Count = 2 } },
            { "size", Baseline with { Size = new ImageSize(1024, 1024) } },
            { "ratio", Baseline with { AspectRatio = new AspectRatio(16, 9) } },
            { "quality", Baseline with { Quality = ImageQuality.High } },
            { "style", Baseline with { Style = "vivid" } },
            { "format", Baseline with { OutputFormat = ImageFormat.Webp } },
            { "negative", Baseline with { NegativePrompt = "blur" } },
            { "strength", Baseline with { Strength = 0.5 } },
            { "steps", Baseline with { Steps = 20 } },
            { "guidance", Baseline with { GuidanceScale = 3.5 } },
            { "lora", Baseline with { Loras = [new LoraWeight("owner/lora", 0.8)] } },
            { "operation", Baseline with { Operation = ImageOperation.ImageToImage, InputImages = [image] } },
            { "input image", Baseline with { Operation = ImageOperation.ImageToImage, InputImages = [other] } },
            { "mask", Baseline with { Operation = ImageOperation.ImageToImage, InputImages = [image], Mask = image } },
            { "provider options", Baseline.WithProviderOptions("openai", new JsonObject { ["background"] = "transparent" }) },
            { "model", Baseline with { Model = "x" } },
        };
    }

    [Theory]
    [MemberData(nameof(ChangedSettings))]
    public void AnySettingThatChangesTheImage_ChangesTheKey(string setting, ImageGenerationRequest changed)
    {
        string model = changed.Model ?? "gpt-image-2";
        Assert.NotEqual(Key(Baseline), Key(changed with { Model = null }, model: model));
        Assert.False(string.IsNullOrEmpty(setting));
    }

    [Fact]
    public void ProviderAndModel_AreInTheKey()
    {
        Assert.NotEqual(Key(Baseline), Key(Baseline, provider: "fal"));
        Assert.NotEqual(Key(Baseline), Key(Baseline, model: "gpt-image-1"));
    }

    [Fact]
    public void JsonOptions_AreKeyedIndependentlyOfMemberOrder()
    {
        var one = Baseline.WithProviderOptions("fal", new JsonObject { ["a"] = 1, ["b"] = new JsonObject { ["y"] = 2, ["x"] = 3 } });
        var two = Baseline.WithProviderOptions("fal", new JsonObject { ["b"] = new JsonObject { ["x"] = 3, ["y"] = 2 }, ["a"] = 1 });
        Assert.Equal(Key(one), Key(two));
    }

    private sealed class OpaqueOptions
    {
        public string? Value { get; init; }
    }

    private sealed record TransparentOptions(string Value);

    [Fact]
    public void TypedOptionsThatCannotPrintTheirValues_AreNotKeyed()
    {
        Assert.Null(ImageCacheKey.Compute("p", "m", Baseline.WithProviderOptions("p", new OpaqueOptions { Value = "x" })));
        Assert.NotEqual(Key(Baseline.WithProviderOptions("p", new TransparentOptions("x"))), Key(Baseline.WithProviderOptions("p", new TransparentOptions("y"))));
    }

    [Fact]
    public void Key_IsLowerHexSha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", Key(Baseline));
    }
}
