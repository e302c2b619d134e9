namespace UnifiedImageGen.OpenAI;

/// <summary>Which request dialect a model speaks.</summary>
internal enum OpenAIModelFamily
{
    /// <summary>gpt-image-*: base64 only, output_format, background, moderation, streaming, token billing.</summary>
    GptImage,

    /// <summary>dall-e-3: n=1, style, url or b64_json, revised_prompt.</summary>
    DallE3,

    /// <summary>dall-e-2: edits of one square PNG, variations.</summary>
    DallE2,

    /// <summary>A model of an OpenAI-compatible host (xAI, Together, LocalAI): only the common fields are sent.</summary>
    Compatible,
}

/// <summary>
/// The models the OpenAI Images API documents, as data (OpenAPI spec 2026-08, PROVIDERS.md 1.2-1.5). Several are
/// retired on api.openai.com but still served by compatible hosts, so all stay; unknown ids are sent as they are.
/// </summary>
public static class OpenAIModels
{
    /// <summary>gpt-image-2, the newest GPT image model and the default.</summary>
    public const string GptImage2 = "gpt-image-2";

    /// <summary>gpt-image-1.5.</summary>
    public const string GptImage15 = "gpt-image-1.5";

    /// <summary>gpt-image-1-mini.</summary>
    public const string GptImage1Mini = "gpt-image-1-mini";

    /// <summary>gpt-image-1.</summary>
    public const string GptImage1 = "gpt-image-1";

    /// <summary>dall-e-3.</summary>
    public const string DallE3 = "dall-e-3";

    /// <summary>dall-e-2.</summary>
    public const string DallE2 = "dall-e-2";

    private const long MaxGptInputBytes = 50L * 1024 * 1024;
    private const long MaxDallE2InputBytes = 4L * 1024 * 1024;

    private static readonly ImageCapabilities GptCapabilities =
        ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting
        | ImageCapabilities.TransparentBackground | ImageCapabilities.MultipleInputImages | ImageCapabilities.PartialImages;

    private static readonly ImageSize[] GptSizes = [new(1024, 1024), new(1536, 1024), new(1024, 1536)];
    private static readonly ImageFormat[] GptFormats = [ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.Webp];
    private static readonly ImageQuality[] GptQualities = [ImageQuality.Auto, ImageQuality.Low, ImageQuality.Medium, ImageQuality.High];

    /// <summary>Every documented model.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } =
    [
        Gpt(GptImage2) with
        {
            SupportedSizes = [],
            // Any WxH with sides divisible by 16, ratio within 1:3..3:1, at most 3840x2160.
            SizeConstraint = new ImageSizeConstraint(16, 3840, 16) { MaxPixels = 3840L * 2160, MaxAspectRatio = 3 },
        },
        Gpt("gpt-image-2-2026-04-21") with
        {
            SupportedSizes = [],
            SizeConstraint = new ImageSizeConstraint(16, 3840, 16) { MaxPixels = 3840L * 2160, MaxAspectRatio = 3 },
        },
        Gpt(GptImage15),
        Gpt(GptImage1Mini),
        Gpt(GptImage1),
        Gpt("chatgpt-image-latest") with { Capabilities = ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting | ImageCapabilities.MultipleInputImages | ImageCapabilities.TransparentBackground | ImageCapabilities.PartialImages },
        new ImageModelDescriptor(DallE3, ImageCapabilities.TextToImage)
        {
            MaxImagesPerCall = 1,
            SupportedSizes = [new(1024, 1024), new(1792, 1024), new(1024, 1792)],
            SupportedFormats = [ImageFormat.Png],
            SupportedQualities = [ImageQuality.Auto, ImageQuality.Standard, ImageQuality.HD],
            MaxPromptLength = 4000,
        },
        new ImageModelDescriptor(DallE2, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting | ImageCapabilities.Variations)
        {
            MaxImagesPerCall = 10,
            SupportedSizes = [new(256, 256), new(512, 512), new(1024, 1024)],
            SupportedFormats = [ImageFormat.Png],
            SupportedQualities = [ImageQuality.Auto, ImageQuality.Standard],
            MaxPromptLength = 1000,
            MaxInputImages = 1,
            MaxInputImageBytes = MaxDallE2InputBytes,
        },
    ];

    internal static OpenAIModelFamily FamilyOf(string modelId) =>
        modelId.StartsWith("gpt-image", StringComparison.OrdinalIgnoreCase) || modelId.StartsWith("chatgpt-image", StringComparison.OrdinalIgnoreCase) ? OpenAIModelFamily.GptImage
        : modelId.Equals(DallE3, StringComparison.OrdinalIgnoreCase) ? OpenAIModelFamily.DallE3
        : modelId.Equals(DallE2, StringComparison.OrdinalIgnoreCase) ? OpenAIModelFamily.DallE2
        : OpenAIModelFamily.Compatible;

    /// <summary>The descriptor for a model id this table does not list: a GPT image model's rules for <c>gpt-image*</c> ids, else permissive.</summary>
    internal static ImageModelDescriptor Unknown(string modelId) => FamilyOf(modelId) == OpenAIModelFamily.GptImage
        ? Gpt(modelId) with { SupportedSizes = [], SizeConstraint = null }
        : ImageModelDescriptor.Permissive(modelId, maxImagesPerCall: 10);

    private static ImageModelDescriptor Gpt(string id) => new(id, GptCapabilities)
    {
        MaxImagesPerCall = 10,
        SupportedSizes = GptSizes,
        SupportedFormats = GptFormats,
        SupportedQualities = GptQualities,
        MaxPromptLength = 32_000,
        MaxInputImages = 16,
        MaxInputImageBytes = MaxGptInputBytes,
    };
}
