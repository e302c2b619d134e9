namespace UnifiedImageGen.Tests.Abstractions;

public class ValueTypesTests
{
    [Theory]
    [InlineData("16:9", 16, 9)]
    [InlineData("32:18", 16, 9)]
    [InlineData("1920/1080", 16, 9)]
    [InlineData(" 4x3 ", 4, 3)]
    public void AspectRatio_Parse_ReducesToLowestTerms(string text, int width, int height)
    {
        var ratio = AspectRatio.Parse(text);
        Assert.Equal(width, ratio.Width);
        Assert.Equal(height, ratio.Height);
        Assert.Equal($"{width}:{height}", ratio.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("16")]
    [InlineData("0:9")]
    [InlineData("a:b")]
    [InlineData("-1:2")]
    public void AspectRatio_ParseInvalid_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => AspectRatio.Parse(text));

    // Provider enums list the cinema ratios as "21:9"/"9:21" (Gemini ImageConfig, FLUX aspect_ratio): a reduced 7:3 is refused.
    [Fact]
    public void AspectRatio_SpelledAs_UsesTheProvidersSpelling_ElseLowestTerms()
    {
        string[] flux = ["21:9", "16:9", "1:1", "9:21"];
        Assert.Equal("21:9", new AspectRatio(21, 9).SpelledAs(flux));
        Assert.Equal("9:21", AspectRatio.Parse("9:21").SpelledAs(flux));
        Assert.Equal("16:9", AspectRatio.Landscape16x9.SpelledAs(flux));
        Assert.Equal("4:3", new AspectRatio(8, 6).SpelledAs(flux));
    }

    [Fact]
    public void AspectRatio_ToSize_KeepsShapeAndPixelBudgetInMultiples()
    {
        var size = AspectRatio.Parse("16:9").ToSize(1.0, 64);
        Assert.Equal(0, size.Width % 64);
        Assert.Equal(0, size.Height % 64);
        Assert.InRange(size.Pixels, 900_000, 1_100_000);
        Assert.InRange((double)size.Width / size.Height, 1.7, 1.85);
        Assert.Equal(new AspectRatio(16, 9), AspectRatio.FromSize(new ImageSize(1920, 1080)));
    }

    [Fact]
    public void AspectRatio_Nearest_ComparesOnLogScale()
    {
        AspectRatio[] candidates = [new(1, 1), new(16, 9), new(9, 16), new(3, 2)];
        Assert.Equal(new AspectRatio(16, 9), AspectRatio.Parse("2:1").Nearest(candidates));
        Assert.Equal(new AspectRatio(9, 16), AspectRatio.Parse("1:2").Nearest(candidates));
    }

    [Fact]
    public void ImageSize_ParseAndNearest_PreferSameShape()
    {
        Assert.Equal(new ImageSize(1024, 768), ImageSize.Parse("1024x768"));
        Assert.False(ImageSize.TryParse("0x10", null, out _));
        Assert.False(ImageSize.TryParse("100000x10", null, out _));
        ImageSize[] dalle3 = [new(1024, 1024), new(1792, 1024), new(1024, 1792)];
        Assert.Equal(new ImageSize(1792, 1024), new ImageSize(1600, 900).Nearest(dalle3));
        Assert.Equal(new ImageSize(1024, 1792), new ImageSize(512, 900).Nearest(dalle3));
        Assert.Equal(new ImageSize(1024, 1024), new ImageSize(512, 512).Nearest(dalle3));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(100000, 10)]
    public void ImageSize_OutOfRange_ThrowsNamingTheSide(int width, int height)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(width, height));
        Assert.Contains("16384", ex.Message);
    }

    [Fact]
    public void ImageQualityAndFormat_AreOpenCaseInsensitiveSets()
    {
        Assert.Equal(ImageQuality.HD, (ImageQuality)"HD");
        Assert.Equal("ultra", ((ImageQuality)"ultra").Value);
        Assert.NotEqual(ImageQuality.High, ImageQuality.Medium);
        Assert.Equal(ImageFormat.Jpeg, (ImageFormat)"jpg");
        Assert.Equal(ImageFormat.Jpeg, (ImageFormat)"image/JPEG");
        Assert.Equal(".jpg", ImageFormat.Jpeg.FileExtension);
        Assert.Equal("image/webp", ImageFormat.Webp.MediaType);
        Assert.Equal("avif", new ImageFormat("avif").Value);
    }

    [Fact]
    public void ImageInput_FromBytes_SniffsMediaTypeAndSize()
    {
        var png = ImageInput.FromBytes(TestImages.Png(8, 6));
        Assert.Equal("image/png", png.MediaType);
        Assert.Equal(new ImageSize(8, 6), png.Size);
        var jpeg = ImageInput.FromBytes(TestImages.Jpeg(), "image/jpg");
        Assert.Equal("image/jpeg", jpeg.MediaType);
        Assert.Equal(new ImageSize(3, 2), jpeg.Size);
        Assert.DoesNotContain("0x", png.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ImageInput_BytesThatAreNotAnImage_AreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageInput.FromBytes("hello world, not an image"u8.ToArray()));
        Assert.Equal("data", ex.ParamName);
        Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(Array.Empty<byte>()));
    }

    [Fact]
    public void ImageInput_BytesThatLieAboutTheirType_AreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(TestImages.Jpeg(), "image/png"));
        Assert.Equal("mediaType", ex.ParamName);
        Assert.Contains("image/jpeg", ex.Message);
    }

    [Fact]
    public void ImageInput_FromUri_AcceptsHttpsOnly()
    {
        Assert.Equal("image/png", ImageInput.FromUri(new Uri("https://cdn.example.com/a.png")).MediaType);
        Assert.Throws<ArgumentException>(() => ImageInput.FromUri(new Uri("http://cdn.example.com/a.png")));
        Assert.Throws<ArgumentException>(() => ImageInput.FromUri(new Uri("file:///etc/passwd")));
    }

    [Fact]
    public void ImageInput_LargerThanLimit_IsRefusedNamingTheLimit()
    {
        var huge = new byte[ImageInput.MaxBytes + 1];
        TestImages.Png().CopyTo(huge, 0);
        var ex = Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(huge));
        Assert.Contains("67,108,864", ex.Message);
    }

    [Fact]
    public void Request_ToString_HidesThePrompt()
    {
        var request = new ImageGenerationRequest("a secret product launch codename ZEBRA") { Seed = 3 };
        string text = request.ToString();
        Assert.DoesNotContain("ZEBRA", text);
        Assert.Contains("PromptLength = 38", text);
        Assert.Contains("Seed = 3", text);
    }

    [Fact]
    public void Request_WithProviderOptions_KeepsOtherProvidersOptions()
    {
        var request = new ImageGenerationRequest("x")
            .WithProviderOptions("openai", new System.Text.Json.Nodes.JsonObject { ["background"] = "transparent" })
            .WithProviderOptions("fal", "fal-options");
        Assert.NotNull(request.GetProviderOptions<System.Text.Json.Nodes.JsonObject>("OpenAI"));
        Assert.Equal("fal-options", request.GetProviderOptions<string>("fal"));
        Assert.Null(request.GetProviderOptions<string>("bfl"));
    }

    [Fact]
    public void Metadata_GetModel_UnknownIdIsPermissiveNotAnError()
    {
        var metadata = new ImageGeneratorMetadata("x", null, "m1", [new ImageModelDescriptor("m1", ImageCapabilities.TextToImage)]);
        Assert.Equal(ImageCapabilities.TextToImage, metadata.GetModel(null).Capabilities);
        Assert.Equal(ImageCapabilities.TextToImage, metadata.GetModel("M1").Capabilities);
        var unknown = metadata.GetModel("brand-new-model");
        Assert.Equal("brand-new-model", unknown.Id);
        Assert.True(unknown.Supports(ImageCapabilities.Inpainting | ImageCapabilities.Seed));
        Assert.False(metadata.IsKnownModel("brand-new-model"));
    }

    [Fact]
    public void Exception_KindFromStatus_AndTransience()
    {
        Assert.Equal(ImageGenerationErrorKind.Authentication, ImageGenerationException.KindFromStatusCode(401));
        Assert.Equal(ImageGenerationErrorKind.InsufficientCredits, ImageGenerationException.KindFromStatusCode(402));
        Assert.Equal(ImageGenerationErrorKind.RateLimited, ImageGenerationException.KindFromStatusCode(429));
        Assert.Equal(ImageGenerationErrorKind.Timeout, ImageGenerationException.KindFromStatusCode(504));
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, ImageGenerationException.KindFromStatusCode(503));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ImageGenerationException.KindFromStatusCode(422));
        Assert.True(new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "x").IsTransient);
        Assert.False(new ImageGenerationException(ImageGenerationErrorKind.InsufficientCredits, "x").IsTransient);
    }
}
