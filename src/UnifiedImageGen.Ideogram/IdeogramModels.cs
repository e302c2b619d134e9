namespace UnifiedImageGen.Ideogram;

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

    private static readonly string[] Legacy = ["V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "V_1", "V_1_TURBO"];

    /// <summary>Every model.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } =
    [
        new ImageModelDescriptor(V3, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting | ImageCapabilities.NegativePrompt | ImageCapabilities.Seed | ImageCapabilities.MultipleInputImages)
        {
            MaxImagesPerCall = 8,
            SupportedSizes = V3Resolutions,
            SupportedAspectRatios = V3Ratios.Select(r => r.Ratio).ToArray(),
            SupportedFormats = [ImageFormat.Png],
            MaxInputImages = 3,
        },
        .. Legacy.Select(id => new ImageModelDescriptor(id, ImageCapabilities.TextToImage | ImageCapabilities.Seed | (id.StartsWith("V_2A", StringComparison.Ordinal) ? 0 : ImageCapabilities.NegativePrompt))
        {
            MaxImagesPerCall = 8,
            SupportedAspectRatios = LegacyRatios.Select(r => r.Ratio).ToArray(),
            SupportedFormats = [ImageFormat.Png],
        }),
    ];

    internal static bool IsV3(string model) => string.Equals(model, V3, StringComparison.OrdinalIgnoreCase);
}
