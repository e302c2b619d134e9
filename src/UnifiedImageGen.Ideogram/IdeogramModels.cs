namespace UnifiedImageGen.Ideogram;

/// <summary>Optional fields a v3 endpoint has beyond num_images, seed and rendering_speed.</summary>
[Flags]
internal enum IdeogramFields
{
    None = 0,
    Prompt = 1,
    NegativePrompt = 2,
    Resolution = 4,
    AspectRatio = 8,
    StyleType = 16,
    StylePreset = 32,
    CustomModel = 64,
    MagicPrompt = 128,
    StyleReferences = 256,
    CharacterReferences = 512,
}

/// <summary>One v3 endpoint, <c>POST /v1/ideogram-v3/{Name}</c>.</summary>
internal sealed record IdeogramEndpoint(string Name, IdeogramFields Fields, bool PromptRequired = false)
{
    public bool Takes(IdeogramFields field) => (Fields & field) == field;
}

/// <summary>Ideogram's models as data: <c>V_3</c> (the v3 endpoints, the default) and the legacy models of <c>POST /generate</c>.</summary>
public static class IdeogramModels
{
    /// <summary>Ideogram 3.0.</summary>
    public const string V3 = "V_3";

    /// <summary>The v3 resolutions (the ResolutionV3 enum of the Ideogram OpenAPI document).</summary>
    internal static readonly ImageSize[] V3Resolutions = [new(512, 1536), new(576, 1408), new(576, 1472), new(576, 1536), new(640, 1344), new(640, 1408), new(640, 1472), new(640, 1536), new(704, 1152), new(704, 1216), new(704, 1280), new(704, 1344), new(704, 1408), new(704, 1472), new(736, 1312), new(768, 1088), new(768, 1216), new(768, 1280), new(768, 1344), new(800, 1280), new(832, 960), new(832, 1024), new(832, 1088), new(832, 1152), new(832, 1216), new(832, 1248), new(864, 1152), new(896, 960), new(896, 1024), new(896, 1088), new(896, 1120), new(896, 1152), new(960, 832), new(960, 896), new(960, 1024), new(960, 1088), new(1024, 832), new(1024, 896), new(1024, 960), new(1024, 1024), new(1088, 768), new(1088, 832), new(1088, 896), new(1088, 960), new(1120, 896), new(1152, 704), new(1152, 832), new(1152, 864), new(1152, 896), new(1216, 704), new(1216, 768), new(1216, 832), new(1248, 832), new(1280, 704), new(1280, 768), new(1280, 800), new(1312, 736), new(1344, 640), new(1344, 704), new(1344, 768), new(1408, 576), new(1408, 640), new(1408, 704), new(1472, 576), new(1472, 640), new(1472, 704), new(1536, 512), new(1536, 576), new(1536, 640)];

    /// <summary>The v3 aspect ratios with their wire names (<c>16x9</c>; <c>10x16</c> reduces to 5:8).</summary>
    internal static readonly (AspectRatio Ratio, string Name)[] V3Ratios =
        [.. new[] { "1x3", "3x1", "1x2", "2x1", "9x16", "16x9", "10x16", "16x10", "2x3", "3x2", "3x4", "4x3", "4x5", "5x4", "1x1" }.Select(n => (AspectRatio.Parse(n), n))];

    /// <summary>The legacy aspect ratios with their wire names.</summary>
    internal static readonly (AspectRatio Ratio, string Name)[] LegacyRatios =
        [.. new[] { "1_1", "16_9", "9_16", "4_3", "3_4", "3_2", "2_3", "16_10", "10_16", "1_3", "3_1" }.Select(n => (AspectRatio.Parse(n.Replace('_', ':')), "ASPECT_" + n))];

    /// <summary>V_3 on <c>POST /v1/ideogram-v3/replace-background</c>: the input image gets the prompt's background.</summary>
    public const string V3ReplaceBackground = "V_3/replace-background";

    /// <summary>V_3 on <c>POST /v1/ideogram-v3/generate-transparent</c>: images with a transparent background.</summary>
    public const string V3Transparent = "V_3/generate-transparent";

    /// <summary>The <c>RenderingSpeed</c> enum of the Ideogram OpenAPI document.</summary>
    internal static readonly string[] RenderingSpeeds = ["FLASH", "TURBO", "BALANCED", "DEFAULT", "QUALITY"];

    /// <summary>The <c>MagicPromptOption</c> enum of the Ideogram OpenAPI document.</summary>
    internal static readonly string[] MagicPromptOptions = ["AUTO", "ON", "OFF"];

    /// <summary>The v3 request schemas' file limit ("max size 10MB"; read as MiB, the server judges the margin).</summary>
    internal const long MaxFileBytes = 10L * 1024 * 1024;

    /// <summary>The <c>StyleTypeV3</c> enum of the Ideogram OpenAPI document (it adds CUSTOM and STYLIZED to PROVIDERS.md 13.8's list).</summary>
    internal static readonly string[] StyleTypesV3 = ["AUTO", "GENERAL", "REALISTIC", "DESIGN", "CUSTOM", "FICTION", "STYLIZED"];

    // The v3 endpoints and the optional fields their request schemas have (ideogram-openapi.json: GenerateImageRequestV3,
    // EditImageRequestV3, RemixImageRequestV3, ReframeImageRequestV3, ReplaceBackgroundRequestV3,
    // GenerateTransparentImageRequestV3). All take num_images, seed and rendering_speed.
    private const IdeogramFields Styled = IdeogramFields.Prompt | IdeogramFields.StyleType | IdeogramFields.StylePreset | IdeogramFields.CustomModel | IdeogramFields.MagicPrompt | IdeogramFields.StyleReferences | IdeogramFields.CharacterReferences;
    internal static readonly IdeogramEndpoint Generate = new("generate", Styled | IdeogramFields.NegativePrompt | IdeogramFields.Resolution | IdeogramFields.AspectRatio);
    internal static readonly IdeogramEndpoint Edit = new("edit", Styled, PromptRequired: true);
    internal static readonly IdeogramEndpoint Remix = Generate with { Name = "remix", PromptRequired = true };
    internal static readonly IdeogramEndpoint Reframe = new("reframe", IdeogramFields.Resolution | IdeogramFields.StylePreset | IdeogramFields.StyleReferences);
    internal static readonly IdeogramEndpoint ReplaceBackground = new("replace-background", IdeogramFields.Prompt | IdeogramFields.StylePreset | IdeogramFields.MagicPrompt | IdeogramFields.StyleReferences, PromptRequired: true);
    internal static readonly IdeogramEndpoint Transparent = new("generate-transparent", IdeogramFields.Prompt | IdeogramFields.NegativePrompt | IdeogramFields.AspectRatio | IdeogramFields.CustomModel | IdeogramFields.MagicPrompt);

    private static readonly string[] Legacy = ["V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "V_1", "V_1_TURBO"];

    /// <summary>Every model.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } =
    [
        new ImageModelDescriptor(V3, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting | ImageCapabilities.Outpainting | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed | ImageCapabilities.MultipleInputImages)
        {
            MaxImagesPerCall = 8,
            SupportedSizes = V3Resolutions,
            SupportedAspectRatios = V3Ratios.Select(r => r.Ratio).ToArray(),
            SupportedFormats = [ImageFormat.Png],
            MaxInputImages = 3,
        },
        new ImageModelDescriptor(V3ReplaceBackground, ImageCapabilities.ImageToImage | ImageCapabilities.Seed | ImageCapabilities.MultipleInputImages)
        {
            MaxImagesPerCall = 8,
            SupportedFormats = [ImageFormat.Png],
            MaxInputImages = 3,
        },
        new ImageModelDescriptor(V3Transparent, ImageCapabilities.TextToImage | ImageCapabilities.TransparentBackground | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed)
        {
            MaxImagesPerCall = 8,
            SupportedAspectRatios = V3Ratios.Select(r => r.Ratio).ToArray(),
            SupportedFormats = [ImageFormat.Png],
        },
        .. Legacy.Select(id => new ImageModelDescriptor(id, ImageCapabilities.TextToImage | ImageCapabilities.Seed | (id.StartsWith("V_2A", StringComparison.Ordinal) ? 0 : ImageCapabilities.NegativePrompt))
        {
            MaxImagesPerCall = 8,
            SupportedAspectRatios = LegacyRatios.Select(r => r.Ratio).ToArray(),
            SupportedFormats = [ImageFormat.Png],
        }),
    ];

    internal static bool IsV3(string model) => model.StartsWith(V3, StringComparison.OrdinalIgnoreCase) && (model.Length == V3.Length || model[V3.Length] == '/');

    /// <summary>The v3 endpoint a request goes to: the model's own, else by operation.</summary>
    internal static IdeogramEndpoint EndpointFor(string model, ImageOperation operation) =>
        string.Equals(model, V3ReplaceBackground, StringComparison.OrdinalIgnoreCase) ? ReplaceBackground
        : string.Equals(model, V3Transparent, StringComparison.OrdinalIgnoreCase) ? Transparent
        : operation switch
        {
            ImageOperation.Inpaint => Edit,
            ImageOperation.ImageToImage => Remix,
            ImageOperation.Outpaint => Reframe,
            _ => Generate,
        };
}
