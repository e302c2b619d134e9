using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Tests.Validation;

public class ImageRequestValidatorTests
{
    private static readonly ImageModelDescriptor SizesOnly = new("sizes-model", ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage)
    {
        SupportedSizes = [new(1024, 1024), new(1792, 1024), new(1024, 1792)],
        SupportedFormats = [ImageFormat.Png],
        SupportedQualities = [ImageQuality.Standard, ImageQuality.HD],
        MaxPromptLength = 4000,
    };

    private static readonly ImageModelDescriptor RatiosOnly = new("ratio-model", ImageCapabilities.TextToImage | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed)
    {
        SupportedAspectRatios = [new(1, 1), new(16, 9), new(9, 16), new(3, 2), new(2, 3)],
        SupportedFormats = [ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.Webp],
    };

    private static readonly ImageModelDescriptor FreeForm = new("free-model", ImageCapabilities.TextToImage | ImageCapabilities.Seed)
    {
        SizeConstraint = new ImageSizeConstraint(256, 1440, 32) { MaxPixels = 1440 * 1440 },
    };

    private static ImageRequestValidation Validate(ImageGenerationRequest request, ImageModelDescriptor model, UnsupportedSettingBehavior behavior = UnsupportedSettingBehavior.Warn) =>
        ImageRequestValidator.Validate(request, model, behavior, "test");

    [Fact]
    public void Validate_NullRequest_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => ImageRequestValidator.ValidateArguments(null!));

    [Theory]
    [InlineData(0, "request.Count must be between 1 and 128; it is 0.")]
    [InlineData(129, "request.Count must be between 1 and 128; it is 129.")]
    public void Validate_CountOutOfRange_NamesParameterAndLimit(int count, string expected)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Count = count }));
        Assert.StartsWith(expected, ex.Message);
        Assert.Equal("request", ex.ParamName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Generate_WithoutPrompt_ThrowsArgumentException(string? prompt)
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest { Prompt = prompt }));
        Assert.Contains("request.Prompt is required", ex.Message);
    }

    [Fact]
    public void Generate_WithMaskButNoImage_ThrowsArgumentException()
    {
        var mask = ImageInput.FromBytes(TestImages.Png());
        var ex = Assert.Throws<ArgumentException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Mask = mask }));
        Assert.Contains("request.Mask", ex.Message);
    }

    [Theory]
    [InlineData(ImageOperation.ImageToImage)]
    [InlineData(ImageOperation.Upscale)]
    [InlineData(ImageOperation.Variation)]
    public void ImageOperations_WithoutInputImage_ThrowArgumentException(ImageOperation operation)
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Operation = operation }));
        Assert.Contains($"request.InputImages must hold at least one image for ImageOperation.{operation}", ex.Message);
    }

    [Fact]
    public void Strength_SeedStepsGuidance_OutOfRange_NameTheLimit()
    {
        Assert.Contains("request.Strength must be between 0 and 1; it is 1.5", Assert.Throws<ArgumentOutOfRangeException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Strength = 1.5 })).Message);
        Assert.Contains("request.Seed must be 0 or more; it is -1", Assert.Throws<ArgumentOutOfRangeException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Seed = -1 })).Message);
        Assert.Contains("request.Steps must be between 1 and 1000; it is 0", Assert.Throws<ArgumentOutOfRangeException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Steps = 0 })).Message);
        Assert.Contains("request.GuidanceScale must be between 0 and 100", Assert.Throws<ArgumentOutOfRangeException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { GuidanceScale = double.NaN })).Message);
    }

    [Fact]
    public void DefaultSize_IsRefusedNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("x") { Size = default(ImageSize) }));
        Assert.Contains("request.Size", ex.Message);
    }

    [Fact]
    public void Prompt_WithUnencodableCharacters_IsRefused()
    {
        var surrogate = Assert.Throws<ArgumentException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("bad \uD800 surrogate")));
        Assert.Contains("unpaired UTF-16 surrogate at index 4", surrogate.Message);
        var control = Assert.Throws<ArgumentException>(() => ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("nul \0 byte")));
        Assert.Contains("control character U+0000 at index 4", control.Message);
    }

    [Fact]
    public void Prompt_WithEmojiAndNewlines_IsAccepted() =>
        ImageRequestValidator.ValidateArguments(new ImageGenerationRequest("a fox 🦊\non snow\tat dawn"));

    [Fact]
    public void Prompt_OverModelLimit_IsInvalidRequestNamingTheLimit()
    {
        var ex = Assert.Throws<ImageGenerationException>(() => Validate(new ImageGenerationRequest(new string('a', 4001)), SizesOnly));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("request.Prompt is 4,001 characters; model 'sizes-model' takes at most 4,000", ex.Message);
    }

    [Fact]
    public void Prompt_OfAMillionCharacters_IsRefusedEvenWithoutModelLimit()
    {
        var ex = Assert.Throws<ImageGenerationException>(() => Validate(new ImageGenerationRequest(new string('a', 1_000_000)), FreeForm));
        Assert.Contains("at most 100,000", ex.Message);
    }

    [Fact]
    public void Operation_TheModelLacks_IsInvalidRequestWhateverTheBehavior()
    {
        var request = new ImageGenerationRequest("x") { Operation = ImageOperation.Inpaint, InputImages = [ImageInput.FromBytes(TestImages.Png())] };
        var ex = Assert.Throws<ImageGenerationException>(() => Validate(request, SizesOnly));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal("test", ex.Provider);
        Assert.Contains("does not support ImageOperation.Inpaint", ex.Message);
    }

    [Fact]
    public void UnsupportedSetting_Warn_DropsItAndSaysSo()
    {
        var result = Validate(new ImageGenerationRequest("x") { Seed = 42, NegativePrompt = "blur", Steps = 20 }, SizesOnly);
        Assert.Null(result.Request.Seed);
        Assert.Null(result.Request.NegativePrompt);
        Assert.Null(result.Request.Steps);
        Assert.Equal(["NegativePrompt", "Seed", "Steps"], result.Warnings.Select(w => w.Setting));
        var seed = result.Warnings.Single(w => w.Setting == "Seed");
        Assert.Equal(ImageGenerationWarningKind.Unsupported, seed.Kind);
        Assert.Equal("42", seed.RequestedValue);
        Assert.Contains("request.Seed (42) is not supported by model 'sizes-model'", seed.Message);
    }

    [Fact]
    public void UnsupportedSetting_Throw_RaisesInvalidRequestBeforeAnyCall()
    {
        var ex = Assert.Throws<ImageGenerationException>(() => Validate(new ImageGenerationRequest("x") { Seed = 42 }, SizesOnly, UnsupportedSettingBehavior.Throw));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("request.Seed (42)", ex.Message);
    }

    [Fact]
    public void Size_NotListed_SnapsToNearestWithWarningNamingBothValues()
    {
        var result = Validate(new ImageGenerationRequest("x") { Size = new ImageSize(1600, 900) }, SizesOnly);
        Assert.Equal(new ImageSize(1792, 1024), result.Request.Size);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(ImageGenerationWarningKind.Adjusted, warning.Kind);
        Assert.Equal("1600x900", warning.RequestedValue);
        Assert.Equal("1792x1024", warning.AppliedValue);
        Assert.Contains("1600x900 was changed to 1792x1024", warning.Message);
    }

    [Fact]
    public void Size_NotListed_WithThrow_IsInvalidRequest()
    {
        var ex = Assert.Throws<ImageGenerationException>(() => Validate(new ImageGenerationRequest("x") { Size = new ImageSize(1600, 900) }, SizesOnly, UnsupportedSettingBehavior.Throw));
        Assert.Contains("request.Size 1600x900 is not supported", ex.Message);
    }

    [Fact]
    public void Size_ForRatioOnlyModel_BecomesNearestRatio()
    {
        var result = Validate(new ImageGenerationRequest("x") { Size = new ImageSize(1920, 1080) }, RatiosOnly);
        Assert.Null(result.Request.Size);
        Assert.Equal(new AspectRatio(16, 9), result.Request.AspectRatio);
        Assert.Equal("16:9", Assert.Single(result.Warnings).AppliedValue);
    }

    [Fact]
    public void AspectRatio_ForSizeOnlyModel_PicksTheSizeOfThatShape()
    {
        var exact = Validate(new ImageGenerationRequest("x") { AspectRatio = new AspectRatio(1, 1) }, SizesOnly);
        Assert.Equal(new ImageSize(1024, 1024), exact.Request.Size);
        Assert.Empty(exact.Warnings);
        var near = Validate(new ImageGenerationRequest("x") { AspectRatio = new AspectRatio(16, 9) }, SizesOnly);
        Assert.Equal(new ImageSize(1792, 1024), near.Request.Size);
        Assert.Equal("16:9", Assert.Single(near.Warnings).RequestedValue);
    }

    [Fact]
    public void AspectRatio_NotListed_SnapsToNearest()
    {
        var result = Validate(new ImageGenerationRequest("x") { AspectRatio = new AspectRatio(21, 9) }, RatiosOnly);
        Assert.Equal(new AspectRatio(16, 9), result.Request.AspectRatio);
    }

    [Fact]
    public void FreeFormSize_IsFittedToRangeAndMultiple()
    {
        var result = Validate(new ImageGenerationRequest("x") { Size = new ImageSize(3000, 1000) }, FreeForm);
        var size = result.Request.Size!.Value;
        Assert.True(FreeForm.SizeConstraint!.Allows(size), size.ToString());
        Assert.InRange((double)size.Width / size.Height, 2.5, 3.5);
        Assert.Single(result.Warnings);

        var ratio = Validate(new ImageGenerationRequest("x") { AspectRatio = new AspectRatio(3, 2) }, FreeForm);
        Assert.True(FreeForm.SizeConstraint.Allows(ratio.Request.Size!.Value));
        Assert.Empty(ratio.Warnings);
    }

    [Fact]
    public void OutputFormatAndQuality_NotSupported_AreAdjustedWithWarnings()
    {
        var result = Validate(new ImageGenerationRequest("x") { OutputFormat = ImageFormat.Webp, Quality = ImageQuality.High }, SizesOnly);
        Assert.Equal(ImageFormat.Png, result.Request.OutputFormat);
        Assert.Null(result.Request.Quality);
        Assert.Equal(["OutputFormat", "Quality"], result.Warnings.Select(w => w.Setting));
    }

    [Fact]
    public void TooManyInputImages_KeepsTheFirstWithWarning()
    {
        var image = ImageInput.FromBytes(TestImages.Png());
        var result = Validate(new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [image, image, image] }, SizesOnly);
        Assert.Single(result.Request.InputImages);
        Assert.Equal("InputImages", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public void InputImage_OverModelByteLimit_IsInvalidRequest()
    {
        var model = new ImageModelDescriptor("small-inputs", ImageCapabilities.All) { MaxInputImageBytes = 10 };
        var request = new ImageGenerationRequest("x") { Operation = ImageOperation.ImageToImage, InputImages = [ImageInput.FromBytes(TestImages.Png())] };
        var ex = Assert.Throws<ImageGenerationException>(() => Validate(request, model));
        Assert.Contains("takes at most 10 bytes per image", ex.Message);
    }

    [Fact]
    public void RandomRequests_OnlyEverThrowArgumentOrImageGenerationExceptions()
    {
        var random = new Random(1234);
        ImageModelDescriptor[] models = [SizesOnly, RatiosOnly, FreeForm, ImageModelDescriptor.Permissive("any")];
        var image = ImageInput.FromBytes(TestImages.Png());
        for (int i = 0; i < 3000; i++)
        {
            var request = new ImageGenerationRequest
            {
                Prompt = random.Next(6) switch { 0 => null, 1 => "", 2 => new string('x', random.Next(0, 5000)), 3 => "\uDC00", 4 => "ok \u0007", _ => "a fox" },
                Operation = (ImageOperation)random.Next(-1, 9),
                Count = random.Next(-2, 140),
                Size = random.Next(3) == 0 ? new ImageSize(random.Next(1, 16385), random.Next(1, 16385)) : random.Next(5) == 0 ? default(ImageSize) : null,
                AspectRatio = random.Next(3) == 0 ? new AspectRatio(random.Next(1, 50), random.Next(1, 50)) : null,
                Seed = random.Next(3) == 0 ? random.NextInt64(-5, long.MaxValue) : null,
                Strength = random.Next(3) == 0 ? (random.NextDouble() * 3) - 1 : null,
                Steps = random.Next(3) == 0 ? random.Next(-5, 2000) : null,
                GuidanceScale = random.Next(3) == 0 ? random.NextDouble() * 200 : null,
                OutputFormat = random.Next(3) == 0 ? ImageFormat.Webp : (ImageFormat?)null,
                Quality = random.Next(3) == 0 ? ImageQuality.High : (ImageQuality?)null,
                InputImages = random.Next(2) == 0 ? [image] : [],
                Mask = random.Next(4) == 0 ? image : null,
                NegativePrompt = random.Next(4) == 0 ? "blurry" : null,
            };
            try
            {
                Validate(request, models[random.Next(models.Length)], (UnsupportedSettingBehavior)random.Next(2));
            }
            catch (Exception ex) when (ex is ArgumentException or ImageGenerationException)
            {
            }
        }
    }
}
