using UnifiedImageGen.Costs;

namespace UnifiedImageGen.StabilityAI;

/// <summary>Which form fields an endpoint takes beyond its image and prompt.</summary>
[Flags]
internal enum StabilityFields
{
    None = 0,
    Prompt = 1,
    NegativePrompt = 2,
    AspectRatio = 4,
    Seed = 8,
    StylePreset = 16,
    Image = 32,
    Strength = 64,
    Mask = 128,
    GrowMask = 256,
    Outpaint = 512,
    Creativity = 1024,
    SearchPrompt = 2048,
    SelectPrompt = 4096,
    ControlStrength = 8192,
    Fidelity = 16384,
    CfgScale = 32768,
    SdModel = 65536,
    StyleTransfer = 131072,
    Relight = 262144,
}

/// <summary>One Stability endpoint as data: its path, fields, limits and credit cost.</summary>
internal sealed record StabilityEndpoint(string Model, string Path, StabilityFields Fields, decimal Credits, bool PromptRequired = true, bool IsAsync = false)
{
    public long? MinInputPixels { get; init; }

    public long? MaxInputPixels { get; init; }

    public int? MinInputSide { get; init; }

    public int? MaxInputSide { get; init; }

    public int? MaxGrowMask { get; init; }

    /// <summary>The <c>creativity</c> range this endpoint documents (PROVIDERS.md 13.3).</summary>
    public (double Min, double Max) Creativity { get; init; } = (0, 1);

    /// <summary>The longer side over the shorter one that the main image may have (2.5 = between 1:2.5 and 2.5:1).</summary>
    public double? MaxAspect { get; init; }

    /// <summary>The form part the first input image goes in.</summary>
    public string ImagePart { get; init; } = "image";

    /// <summary>How many of <see cref="ImageGenerationRequest.InputImages"/> the endpoint takes.</summary>
    public int InputImages { get; init; } = 1;
}

/// <summary>
/// Stability's v2beta endpoints as models (PROVIDERS.md 2.2-2.5): the generators <c>ultra</c>, <c>core</c> and the SD 3.5
/// family (through <c>/generate/sd3</c> with <c>model</c>), and one model per edit, upscale and control endpoint. A
/// request without a model gets the options' default when it can do the operation, else the first model here that can.
/// </summary>
public static class StabilityAIModels
{
    /// <summary>The largest request Stability accepts (10 MiB).</summary>
    public const long MaxRequestBytes = 10L * 1024 * 1024;

    /// <summary>What one Stability credit costs in USD (PROVIDERS.md 2.1, 13.3).</summary>
    public const decimal UsdPerCredit = 0.01m;

    /// <summary>The largest seed Stability accepts.</summary>
    public const long MaxSeed = 4_294_967_294;

    private const StabilityFields Common = StabilityFields.Prompt | StabilityFields.NegativePrompt | StabilityFields.Seed | StabilityFields.StylePreset;

    internal static readonly AspectRatio[] Ratios = [new(21, 9), new(16, 9), new(3, 2), new(5, 4), new(1, 1), new(4, 5), new(2, 3), new(9, 16), new(9, 21)];

    private static readonly ImageFormat[] Formats = [ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.Webp];

    internal static readonly StabilityEndpoint[] Endpoints =
    [
        new("core", "v2beta/stable-image/generate/core", Common | StabilityFields.AspectRatio, 3),
        new("ultra", "v2beta/stable-image/generate/ultra", Common | StabilityFields.AspectRatio | StabilityFields.Image | StabilityFields.Strength, 8) { MinInputSide = 64, MaxInputSide = 16384, MinInputPixels = 4096 },
        new("sd3.5-large", "v2beta/stable-image/generate/sd3", Common | StabilityFields.AspectRatio | StabilityFields.Image | StabilityFields.Strength | StabilityFields.CfgScale | StabilityFields.SdModel, 6.5m),
        // PROVIDERS.md 13.3: negative_prompt does not work with sd3.5-large-turbo, so it is not a field of that model.
        new("sd3.5-large-turbo", "v2beta/stable-image/generate/sd3", (Common & ~StabilityFields.NegativePrompt) | StabilityFields.AspectRatio | StabilityFields.Image | StabilityFields.Strength | StabilityFields.CfgScale | StabilityFields.SdModel, 4),
        new("sd3.5-medium", "v2beta/stable-image/generate/sd3", Common | StabilityFields.AspectRatio | StabilityFields.Image | StabilityFields.Strength | StabilityFields.CfgScale | StabilityFields.SdModel, 3.5m),
        new("sd3.5-flash", "v2beta/stable-image/generate/sd3", Common | StabilityFields.AspectRatio | StabilityFields.Image | StabilityFields.Strength | StabilityFields.CfgScale | StabilityFields.SdModel, 2.5m),
        new("inpaint", "v2beta/stable-image/edit/inpaint", Common | StabilityFields.Image | StabilityFields.Mask | StabilityFields.GrowMask, 5) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184, MaxGrowMask = 100 },
        new("outpaint", "v2beta/stable-image/edit/outpaint", StabilityFields.Prompt | StabilityFields.Seed | StabilityFields.StylePreset | StabilityFields.Image | StabilityFields.Outpaint | StabilityFields.Creativity, 4, PromptRequired: false) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184 },
        new("erase", "v2beta/stable-image/edit/erase", StabilityFields.Seed | StabilityFields.Image | StabilityFields.Mask | StabilityFields.GrowMask, 5, PromptRequired: false) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184, MaxGrowMask = 20 },
        new("search-and-replace", "v2beta/stable-image/edit/search-and-replace", Common | StabilityFields.Image | StabilityFields.SearchPrompt | StabilityFields.GrowMask, 5) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184, MaxGrowMask = 20 },
        new("search-and-recolor", "v2beta/stable-image/edit/search-and-recolor", Common | StabilityFields.Image | StabilityFields.SelectPrompt | StabilityFields.GrowMask, 5) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184, MaxGrowMask = 20 },
        new("remove-background", "v2beta/stable-image/edit/remove-background", StabilityFields.Image, 5, PromptRequired: false) { MinInputSide = 64, MaxInputPixels = 4_194_304 },
        new("upscale-fast", "v2beta/stable-image/upscale/fast", StabilityFields.Image, 2, PromptRequired: false) { MinInputSide = 32, MaxInputSide = 1536, MinInputPixels = 1024, MaxInputPixels = 1_048_576 },
        new("upscale-conservative", "v2beta/stable-image/upscale/conservative", StabilityFields.Prompt | StabilityFields.NegativePrompt | StabilityFields.Seed | StabilityFields.Image | StabilityFields.Creativity, 40) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184, Creativity = (0.2, 0.5) },
        new("upscale-creative", "v2beta/stable-image/upscale/creative", Common | StabilityFields.Image | StabilityFields.Creativity, 60, IsAsync: true) { MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 1_048_576, Creativity = (0.1, 0.5) },
        new("sketch", "v2beta/stable-image/control/sketch", Common | StabilityFields.Image | StabilityFields.ControlStrength, 5),
        new("structure", "v2beta/stable-image/control/structure", Common | StabilityFields.Image | StabilityFields.ControlStrength, 5),
        new("style", "v2beta/stable-image/control/style", Common | StabilityFields.Image | StabilityFields.AspectRatio | StabilityFields.Fidelity, 5),
        // Spec mirror (CreateStableImageControlStyleTransfer): init_image and style_image required, prompt optional, 8 credits;
        // both images 64-16,383 px a side and 4,096-9,437,184 pixels, init_image between 1:2.5 and 2.5:1.
        new("style-transfer", "v2beta/stable-image/control/style-transfer", StabilityFields.Prompt | StabilityFields.NegativePrompt | StabilityFields.Seed | StabilityFields.Image | StabilityFields.StyleTransfer, 8, PromptRequired: false)
        {
            MinInputSide = 64, MaxInputSide = 16_383, MinInputPixels = 4096, MaxInputPixels = 9_437_184, MaxAspect = 2.5, ImagePart = "init_image", InputImages = 2,
        },
        // Spec mirror (CreateStableImageEditReplaceBackgroundAndRelight): async (returns {id}), 8 credits; subject_image at least
        // 64 px a side, 4,096-9,437,184 pixels, between 1:2.5 and 2.5:1. request.Prompt is the background_prompt.
        new("replace-background-and-relight", "v2beta/stable-image/edit/replace-background-and-relight", StabilityFields.NegativePrompt | StabilityFields.Seed | StabilityFields.Image | StabilityFields.Relight, 8, PromptRequired: false, IsAsync: true)
        {
            MinInputSide = 64, MinInputPixels = 4096, MaxInputPixels = 9_437_184, MaxAspect = 2.5, ImagePart = "subject_image",
        },
    ];

    /// <summary>Every model, with its capabilities.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } = Endpoints.Select(Describe).ToArray();

    /// <summary>
    /// One price line per model id, keyed exactly as the generator names its models, from the credits each endpoint
    /// costs (PROVIDERS.md 2.2-2.5 and 13.3: creative upscale 60, conservative 40, fast 2, remove-background 5; style-transfer
    /// and replace-background-and-relight 8 from the spec mirror's endpoint descriptions). Add them
    /// to <see cref="CostTrackingOptions.Prices"/> (AddStabilityAI does) so a budget check prices each model as billed.
    /// </summary>
    /// <returns>New lines, safe for the caller to change.</returns>
    public static IReadOnlyList<PriceEntry> PriceLines() =>
        Endpoints.Select(e => new PriceEntry
        {
            Provider = StabilityAIImageGenerator.ProviderName,
            Model = e.Model,
            Unit = PriceUnit.PerCredit,
            Usd = UsdPerCredit,
            CreditsPerImage = e.Credits,
            Source = "Stability credits per successful generation",
        }).ToArray();

    internal static StabilityEndpoint? Find(string model) =>
        Endpoints.FirstOrDefault(e => string.Equals(e.Model, model, StringComparison.OrdinalIgnoreCase));

    private static ImageModelDescriptor Describe(StabilityEndpoint endpoint)
    {
        var fields = endpoint.Fields;
        var capabilities = endpoint.Path switch
        {
            var p when p.Contains("/generate/", StringComparison.Ordinal) => ImageCapabilities.TextToImage | (fields.HasFlag(StabilityFields.Image) ? ImageCapabilities.ImageToImage : 0),
            var p when p.EndsWith("/inpaint", StringComparison.Ordinal) || p.EndsWith("/erase", StringComparison.Ordinal) || p.Contains("/search-and-", StringComparison.Ordinal) => ImageCapabilities.Inpainting,
            var p when p.EndsWith("/outpaint", StringComparison.Ordinal) => ImageCapabilities.Outpainting,
            var p when p.EndsWith("/remove-background", StringComparison.Ordinal) => ImageCapabilities.BackgroundRemoval | ImageCapabilities.TransparentBackground,
            var p when p.Contains("/upscale/", StringComparison.Ordinal) => ImageCapabilities.Upscale,
            _ => ImageCapabilities.ImageToImage,
        };
        if (fields.HasFlag(StabilityFields.NegativePrompt))
        {
            capabilities |= ImageCapabilities.NegativePrompt;
        }

        if (fields.HasFlag(StabilityFields.Seed))
        {
            capabilities |= ImageCapabilities.Seed;
        }

        if (fields.HasFlag(StabilityFields.CfgScale))
        {
            capabilities |= ImageCapabilities.StepsAndGuidance;
        }

        if (endpoint.IsAsync)
        {
            capabilities |= ImageCapabilities.Progress;
        }

        if (endpoint.InputImages > 1)
        {
            capabilities |= ImageCapabilities.MultipleInputImages;
        }

        return new ImageModelDescriptor(endpoint.Model, capabilities)
        {
            MaxImagesPerCall = 1,
            SupportedAspectRatios = fields.HasFlag(StabilityFields.AspectRatio) ? Ratios : [],
            SupportedFormats = endpoint.Model == "remove-background" ? [ImageFormat.Png, ImageFormat.Webp] : Formats,
            MaxPromptLength = 10_000,
            MaxInputImages = endpoint.InputImages,
            MaxInputImageBytes = MaxRequestBytes,
        };
    }
}
