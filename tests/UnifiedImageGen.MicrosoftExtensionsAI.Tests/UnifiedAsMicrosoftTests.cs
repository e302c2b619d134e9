using System.Drawing;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Testing;
using Meai = Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI.Tests;

public class UnifiedAsMicrosoftTests
{
    [Fact]
    public async Task Generate_WithPlaceholder_ReturnsRealPngBytesAsDataContent()
    {
        using var generator = new PlaceholderImageGenerator().AsMicrosoftImageGenerator();

        var response = await Meai.ImageGeneratorExtensions.GenerateImagesAsync(
            generator,
            "a red fox in snow",
            new Meai.ImageGenerationOptions { Count = 2, ImageSize = new Size(64, 48), MediaType = "image/png", AdditionalProperties = new() { ["seed"] = 42L } });

        var result = Assert.IsType<ImageGenerationResult>(response.RawRepresentation);
        Assert.Equal(2, response.Contents.Count);
        for (int i = 0; i < 2; i++)
        {
            var data = Assert.IsType<Meai.DataContent>(response.Contents[i]);
            Assert.Equal("image/png", data.MediaType);
            var png = PngChecker.Check(data.Data.Span);
            Assert.Equal((64, 48), (png.Width, png.Height));
            Assert.Same(result.Images[i], data.RawRepresentation);
            Assert.Equal(result.Images[i].Data.ToArray(), data.Data.ToArray());
            var properties = data.AdditionalProperties!;
            Assert.Equal(42L + i, properties[AdditionalPropertyNames.Seed]);
            Assert.Equal(64, properties[AdditionalPropertyNames.Width]);
            Assert.Equal(48, properties[AdditionalPropertyNames.Height]);
            Assert.Equal("placeholder", properties[AdditionalPropertyNames.Provider]);
            Assert.Equal("placeholder-v1", properties[AdditionalPropertyNames.Model]);
            Assert.Equal(0m, properties[AdditionalPropertyNames.CostUsd]);
            Assert.Equal(result.ProviderRequestId, properties[AdditionalPropertyNames.ProviderRequestId]);
        }

        Assert.Null(response.Usage);
    }

    [Fact]
    public async Task TypedOptionsAndKnownAdditionalProperties_MapToTheUnifiedRequest()
    {
        var inner = new ScriptedImageGenerator("scripted");
        var generator = inner.AsMicrosoftImageGenerator();
        using var steps = JsonDocument.Parse("30");

        await generator.GenerateAsync(
            new Meai.ImageGenerationRequest("a lighthouse at dusk"),
            new Meai.ImageGenerationOptions
            {
                Count = 3,
                ImageSize = new Size(1024, 768),
                MediaType = "image/webp",
                ModelId = "model-x",
                AdditionalProperties = new()
                {
                    ["seed"] = 7,
                    ["negativePrompt"] = "blurry",
                    ["aspect_ratio"] = "16:9",
                    ["Quality"] = "hd",
                    ["style"] = "vivid",
                    ["user"] = "user-1",
                    ["steps"] = steps.RootElement,
                    ["guidance_scale"] = 3.5,
                    ["strength"] = "0.25",
                },
            });

        var request = Assert.Single(inner.Requests);
        Assert.Equal("a lighthouse at dusk", request.Prompt);
        Assert.Equal(ImageOperation.Generate, request.Operation);
        Assert.Equal(3, request.Count);
        Assert.Equal(new ImageSize(1024, 768), request.Size);
        Assert.Equal(ImageFormat.Webp, request.OutputFormat);
        Assert.Equal("model-x", request.Model);
        Assert.Equal(7L, request.Seed);
        Assert.Equal("blurry", request.NegativePrompt);
        Assert.Equal(AspectRatio.Landscape16x9, request.AspectRatio);
        Assert.Equal(ImageQuality.HD, request.Quality);
        Assert.Equal("vivid", request.Style);
        Assert.Equal("user-1", request.User);
        Assert.Equal(30, request.Steps);
        Assert.Equal(3.5, request.GuidanceScale);
        Assert.Equal(0.25, request.Strength);
        Assert.Null(request.ProviderOptions);
    }

    [Fact]
    public async Task UnknownAdditionalProperties_BecomeProviderOptions()
    {
        var inner = new ScriptedImageGenerator("scripted");
        var typed = new object();
        var generator = inner.AsMicrosoftImageGenerator();

        await generator.GenerateAsync(
            new Meai.ImageGenerationRequest("a fox"),
            new Meai.ImageGenerationOptions
            {
                AdditionalProperties = new()
                {
                    ["enable_safety_checker"] = false,
                    ["num_candidates"] = 2,
                    ["openai"] = new JsonObject { ["background"] = "transparent" },
                    ["custom"] = typed,
                    [AdditionalPropertyNames.ProviderOptions] = new Dictionary<string, object> { ["fal"] = new JsonObject { ["sync_mode"] = true } },
                },
            });

        var options = Assert.Single(inner.Requests).ProviderOptions!;
        Assert.Equal("""{"enable_safety_checker":false,"num_candidates":2}""", Assert.IsType<JsonObject>(options["scripted"]).ToJsonString());
        Assert.Equal("""{"background":"transparent"}""", Assert.IsType<JsonObject>(options["openai"]).ToJsonString());
        Assert.Equal("""{"sync_mode":true}""", Assert.IsType<JsonObject>(options["fal"]).ToJsonString());
        Assert.Same(typed, options["custom"]);
    }

    [Fact]
    public async Task ScalarAdditionalProperty_WhenTheProviderHasTypedOptions_ThrowsArgumentException()
    {
        var generator = new ScriptedImageGenerator("scripted").AsMicrosoftImageGenerator();
        var options = new Meai.ImageGenerationOptions
        {
            RawRepresentationFactory = _ => new ImageGenerationRequest().WithProviderOptions("scripted", new Uri("https://typed.example")),
            AdditionalProperties = new() { ["loose"] = 1 },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new Meai.ImageGenerationRequest("a fox"), options));
        Assert.Contains("\"loose\"", error.Message);
    }

    [Fact]
    public async Task RawRepresentationFactory_ReturningAUnifiedRequest_IsTheStartingPoint()
    {
        var inner = new ScriptedImageGenerator("scripted");
        var generator = inner.AsMicrosoftImageGenerator();

        await generator.GenerateAsync(
            new Meai.ImageGenerationRequest("typed prompt wins"),
            new Meai.ImageGenerationOptions
            {
                Count = 2,
                RawRepresentationFactory = _ => new ImageGenerationRequest("ignored") { Model = "base-model", Loras = [new LoraWeight("owner/style-lora", 0.8)], Seed = 1, Count = 4 },
            });

        var request = Assert.Single(inner.Requests);
        Assert.Equal(("typed prompt wins", "base-model", 2, 1L), (request.Prompt, request.Model, request.Count, request.Seed));
        Assert.Equal(new LoraWeight("owner/style-lora", 0.8), Assert.Single(request.Loras));
    }

    [Fact]
    public async Task OriginalImages_BecomeInputImagesOfAnEdit_AndAMaskMakesItAnInpaint()
    {
        byte[] png = TestImages.Png(40, 30);
        byte[] mask = TestImages.Png(40, 30, seed: 9);
        var inner = new ScriptedImageGenerator("scripted");
        var generator = inner.AsMicrosoftImageGenerator();

        await Meai.ImageGeneratorExtensions.EditImageAsync(generator, new Meai.DataContent(png, "image/png"), "make it blue");
        await Meai.ImageGeneratorExtensions.EditImageAsync(
            generator,
            new Meai.DataContent(png, "application/octet-stream"),
            "repaint the sky",
            new Meai.ImageGenerationOptions { AdditionalProperties = new() { ["mask"] = new Meai.DataContent(mask, "image/png") } });

        var requests = inner.Requests.ToArray();
        Assert.Equal(ImageOperation.ImageToImage, requests[0].Operation);
        Assert.Equal("make it blue", requests[0].Prompt);
        var input = Assert.Single(requests[0].InputImages);
        Assert.Equal("image/png", input.MediaType);
        Assert.Equal(png, input.Data.ToArray());
        Assert.Equal(ImageOperation.Inpaint, requests[1].Operation);
        Assert.Equal(mask, requests[1].Mask!.Data.ToArray());
    }

    [Fact]
    public async Task Edit_WithPlaceholder_ReturnsAnImageOfTheInputSize()
    {
        using var generator = new PlaceholderImageGenerator().AsMicrosoftImageGenerator();

        var response = await Meai.ImageGeneratorExtensions.EditImageAsync(generator, new Meai.DataContent(TestImages.Png(48, 32), "image/png"), "make it blue");

        var png = PngChecker.Check(Assert.IsType<Meai.DataContent>(Assert.Single(response.Contents)).Data.Span);
        Assert.Equal((48, 32), (png.Width, png.Height));
    }

    [Fact]
    public async Task OperationProperty_OverridesTheImpliedOperation()
    {
        var inner = new ScriptedImageGenerator("scripted");
        var generator = inner.AsMicrosoftImageGenerator();

        await Meai.ImageGeneratorExtensions.EditImagesAsync(
            generator,
            [new Meai.DataContent(TestImages.Png(), "image/png")],
            "",
            new Meai.ImageGenerationOptions { AdditionalProperties = new() { ["operation"] = "upscale" } });

        Assert.Equal(ImageOperation.Upscale, Assert.Single(inner.Requests).Operation);
    }

    [Fact]
    public async Task OriginalImage_ThatIsNoImage_ThrowsArgumentException()
    {
        var inner = new ScriptedImageGenerator("scripted");
        var generator = inner.AsMicrosoftImageGenerator();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Meai.ImageGeneratorExtensions.EditImageAsync(generator, new Meai.DataContent("not an image"u8.ToArray(), "image/png"), "edit"));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Meai.ImageGeneratorExtensions.EditImagesAsync(generator, [new Meai.TextContent("a caption")], "edit"));
        Assert.Empty(inner.Requests);
    }

    [Theory]
    [InlineData("seed", "abc")]
    [InlineData("aspect_ratio", "wide")]
    [InlineData("operation", "paint")]
    public async Task AdditionalProperty_WithAnUnusableValue_ThrowsArgumentExceptionNamingTheKey(string key, string value)
    {
        var generator = new ScriptedImageGenerator("scripted").AsMicrosoftImageGenerator();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            generator.GenerateAsync(new Meai.ImageGenerationRequest("a fox"), new Meai.ImageGenerationOptions { AdditionalProperties = new() { [key] = value } }));

        Assert.Contains($"[\"{key}\"]", error.Message);
    }

    [Fact]
    public async Task Result_MapsUsageCostWarningsImageExtrasAndFailedSlots()
    {
        byte[] png = TestImages.Png();
        var inner = new ScriptedImageGenerator("scripted", (request, _, _) => Task.FromResult(new ImageGenerationResult
        {
            Provider = "openai",
            Model = "gpt-image-1",
            Images =
            [
                new GeneratedImage { Data = png, MediaType = "image/png", Width = 32, Height = 24, Seed = 11, RevisedPrompt = "A detailed fox", ContentFlagged = false },
                new GeneratedImage { Error = new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "Slot 2 was rate limited.") },
            ],
            Usage = new ImageUsage { InputTokens = 50, InputTextTokens = 40, InputImageTokens = 10, OutputTokens = 4160, TotalTokens = 4210, Credits = 1.5 },
            Cost = new ImageCost { EstimatedUsd = 0.04m, ReportedUsd = 0.05m, Basis = "per token" },
            Warnings = [new ImageGenerationWarning(ImageGenerationWarningKind.Adjusted, "Size", "request.Size 1000x1000 was changed to 1024x1024.")],
            ProviderRequestId = "req_1",
            FromCache = true,
        }));

        var response = await Meai.ImageGeneratorExtensions.GenerateImagesAsync(inner.AsMicrosoftImageGenerator(), "a fox");

        var usage = response.Usage!;
        Assert.Equal((50L, 40L, 4160L, 4210L), (usage.InputTokenCount!.Value, usage.InputTextTokenCount!.Value, usage.OutputTokenCount!.Value, usage.TotalTokenCount!.Value));
        Assert.Equal(10L, usage.AdditionalCounts![AdditionalPropertyNames.InputImageTokens]);

        var image = Assert.IsType<Meai.DataContent>(response.Contents[0]);
        Assert.Equal("image-1.png", image.Name);
        var properties = image.AdditionalProperties!;
        Assert.Equal("openai", properties[AdditionalPropertyNames.Provider]);
        Assert.Equal("gpt-image-1", properties[AdditionalPropertyNames.Model]);
        Assert.Equal(0.05m, properties[AdditionalPropertyNames.CostUsd]);
        Assert.Equal("per token", properties[AdditionalPropertyNames.CostBasis]);
        Assert.Equal(["request.Size 1000x1000 was changed to 1024x1024."], Assert.IsType<string[]>(properties[AdditionalPropertyNames.Warnings]));
        Assert.Equal(true, properties[AdditionalPropertyNames.FromCache]);
        Assert.Equal(1.5, properties[AdditionalPropertyNames.Credits]);
        Assert.Equal(11L, properties[AdditionalPropertyNames.Seed]);
        Assert.Equal("A detailed fox", properties[AdditionalPropertyNames.RevisedPrompt]);
        Assert.Equal(false, properties[AdditionalPropertyNames.ContentFlagged]);

        var failed = Assert.IsType<Meai.ErrorContent>(response.Contents[1]);
        Assert.Equal("RateLimited", failed.ErrorCode);
        Assert.Equal("Slot 2 was rate limited.", failed.Message);
        Assert.IsType<ImageGenerationException>(failed.RawRepresentation);
    }

    [Fact]
    public async Task Errors_AreTheUnifiedExceptionUnchanged()
    {
        var thrown = new ImageGenerationException(ImageGenerationErrorKind.ContentPolicy, "Refused by the safety system.") { Provider = "scripted" };
        var generator = new ScriptedImageGenerator("scripted", (_, _, _) => Task.FromException<ImageGenerationResult>(thrown)).AsMicrosoftImageGenerator();

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => Meai.ImageGeneratorExtensions.GenerateImagesAsync(generator, "a fox"));

        Assert.Same(thrown, error);
    }

    [Fact]
    public void GetService_FindsBothMetadatasTheInnerGeneratorAndTheAdapter()
    {
        var inner = new PlaceholderImageGenerator();
        var generator = inner.AsMicrosoftImageGenerator();

        var theirs = Meai.ImageGeneratorExtensions.GetService<Meai.ImageGeneratorMetadata>(generator)!;
        Assert.Equal(("placeholder", "placeholder-v1"), (theirs.ProviderName, theirs.DefaultModelId));
        Assert.Null(theirs.ProviderUri);
        Assert.Same(inner.Metadata, Meai.ImageGeneratorExtensions.GetService<ImageGeneratorMetadata>(generator));
        Assert.Same(inner, Meai.ImageGeneratorExtensions.GetService<IImageGenerator>(generator));
        Assert.Same(inner, Meai.ImageGeneratorExtensions.GetService<PlaceholderImageGenerator>(generator));
        Assert.Same(generator, Meai.ImageGeneratorExtensions.GetService<Meai.IImageGenerator>(generator));
        Assert.Null(Meai.ImageGeneratorExtensions.GetService<Meai.IImageGenerator>(generator, serviceKey: "other"));
    }

    [Fact]
    public void Dispose_DisposesTheInnerGenerator()
    {
        var inner = new DisposableGenerator(new PlaceholderImageGenerator());

        inner.AsMicrosoftImageGenerator().Dispose();

        Assert.True(inner.Disposed);
    }

    private sealed class DisposableGenerator(IImageGenerator inner) : DelegatingImageGenerator(inner)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
