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

    // A record prints its values, but not those of the lists it holds: ToString is no canonical form.
    private sealed record PrintingOptions(IReadOnlyList<string> Values);

    private sealed record KeyedOptions(IReadOnlyList<string> Values) : ICacheableProviderOptions
    {
        public void WriteCacheKey(System.Text.Json.Utf8JsonWriter writer)
        {
            writer.WriteStartArray();
            foreach (var value in Values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }
    }

    [Fact]
    public void TypedOptionsThatCannotWriteTheirValues_AreNotKeyed()
    {
        Assert.Null(ImageCacheKey.Compute("p", "m", Baseline.WithProviderOptions("p", new OpaqueOptions { Value = "x" })));
        Assert.Null(ImageCacheKey.Compute("p", "m", Baseline.WithProviderOptions("p", new PrintingOptions(["x"]))));
        Assert.Null(ImageCacheKey.Compute("p", "m", Baseline with { ProviderOptions = new Dictionary<string, object> { ["p"] = "a string" } }));
    }

    [Fact]
    public void TypedOptions_AreKeyedByValue_ListsIncluded()
    {
        Assert.NotEqual(Key(Baseline.WithProviderOptions("p", new KeyedOptions(["a", "b"]))), Key(Baseline.WithProviderOptions("p", new KeyedOptions(["a,b"]))));
        Assert.NotEqual(Key(Baseline.WithProviderOptions("p", new KeyedOptions(["a", "b"]))), Key(Baseline.WithProviderOptions("p", new KeyedOptions(["b", "a"]))));
        Assert.Equal(Key(Baseline.WithProviderOptions("p", new KeyedOptions(["a", "b"]))), Key(Baseline.WithProviderOptions("p", new KeyedOptions(new List<string> { "a", "b" }))));
    }

    public static TheoryData<string, ImageGenerationRequest, ImageGenerationRequest> LookAlikes() => new()
    {
        // Values that hold the old form's field separator shifted the fields after them.
        { "separator in a value", Baseline with { Style = "a\u001Fb", Quality = "c" }, Baseline with { Style = "a", Quality = "b\u001Fc" } },
        { "null vs the word standing for it", Baseline with { Style = null }, Baseline with { Style = "default" } },
        { "null prompt vs 'none'", Baseline with { Prompt = null, Operation = ImageOperation.Upscale }, Baseline with { Prompt = "none", Operation = ImageOperation.Upscale } },
        { "null quality vs auto", Baseline, Baseline with { Quality = ImageQuality.Auto } },
        { "quality case", Baseline with { Quality = "HD" }, Baseline with { Quality = "hd" } },
        { "number vs string in JSON options", Baseline.WithProviderOptions("p", new JsonObject { ["n"] = 1 }), Baseline.WithProviderOptions("p", new JsonObject { ["n"] = "1" }) },
        { "null vs 'null' in JSON options", Baseline.WithProviderOptions("p", new JsonObject { ["n"] = null }), Baseline.WithProviderOptions("p", new JsonObject { ["n"] = "null" }) },
        { "JSON member name case", Baseline.WithProviderOptions("p", new JsonObject { ["Background"] = "x" }), Baseline.WithProviderOptions("p", new JsonObject { ["background"] = "x" }) },
        { "lora list boundaries", Baseline with { Loras = [new LoraWeight("a", 1), new LoraWeight("b", 1)] }, Baseline with { Loras = [new LoraWeight("a\u001F1\u001Fb", 1)] } },
        { "NaN vs the text NaN", Baseline with { Strength = double.NaN }, Baseline with { Strength = null, Style = "NaN" } },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void RequestsThatCollidedInTheOldForm_HaveDifferentKeys(string collision, ImageGenerationRequest one, ImageGenerationRequest other)
    {
        Assert.NotEqual(Key(one), Key(other));
        Assert.False(string.IsNullOrEmpty(collision));
    }

    [Fact]
    public void OptionNamesThatDifferOnlyInCase_MakeTheRequestUnkeyed_ButOneNameInAnyCaseIsOneKey()
    {
        var both = Baseline with { ProviderOptions = new Dictionary<string, object> { ["openai"] = new JsonObject { ["a"] = 1 }, ["OpenAI"] = new JsonObject { ["a"] = 2 } } };
        Assert.Null(ImageCacheKey.Compute("openai", "m", both));
        Assert.Equal(
            Key(Baseline with { ProviderOptions = new Dictionary<string, object> { ["openai"] = new JsonObject { ["a"] = 1 } } }),
            Key(Baseline with { ProviderOptions = new Dictionary<string, object> { ["OpenAI"] = new JsonObject { ["a"] = 1 } } }));
    }

    [Fact]
    public void AnUnpairedSurrogate_IsAnArgumentExceptionNamingThePrompt()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageCacheKey.Compute("p", "m", Baseline with { Prompt = "a \uD83D fox" }));
        Assert.Contains("request.Prompt", ex.Message);
    }

    [Fact]
    public void Key_IsLowerHexSha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", Key(Baseline));
    }
}
