namespace UnifiedImageGen.Google;

/// <summary>Google's image models, as data: the Gemini image models (<c>generateContent</c>) and Imagen (<c>:predict</c>).</summary>
public static class GoogleModels
{
    /// <summary>Gemini 2.5 Flash Image ("Nano Banana"), the default.</summary>
    public const string Gemini25FlashImage = "gemini-2.5-flash-image";

    /// <summary>Gemini 3 Pro Image (preview), with 1K/2K/4K output.</summary>
    public const string Gemini3ProImage = "gemini-3-pro-image-preview";

    private static readonly AspectRatio[] GeminiRatios = [new(1, 1), new(2, 3), new(3, 2), new(3, 4), new(4, 3), new(4, 5), new(5, 4), new(9, 16), new(16, 9), new(21, 9)];
    private static readonly AspectRatio[] ImagenRatios = [new(1, 1), new(3, 4), new(4, 3), new(9, 16), new(16, 9)];

    internal static bool IsImagen(string model) => model.StartsWith("imagen-", StringComparison.OrdinalIgnoreCase);

    /// <summary>The models for a mode: on Vertex AI Imagen also takes a negative prompt and a seed.</summary>
    internal static IReadOnlyList<ImageModelDescriptor> For(bool vertex) =>
    [
        Gemini(Gemini25FlashImage, maxInputs: 3),
        Gemini(Gemini3ProImage, maxInputs: 14),
        Imagen("imagen-4.0-generate-001", vertex, 4),
        Imagen("imagen-4.0-ultra-generate-001", vertex, 1),
        Imagen("imagen-4.0-fast-generate-001", vertex, 4),
        Imagen("imagen-3.0-generate-002", vertex, 4),
    ];

    internal static ImageModelDescriptor Unknown(string model, bool vertex) =>
        IsImagen(model) ? Imagen(model, vertex, 4) : Gemini(model, maxInputs: 3);

    private static ImageModelDescriptor Gemini(string id, int maxInputs) =>
        new(id, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages)
        {
            MaxImagesPerCall = 1,
            SupportedAspectRatios = GeminiRatios,
            SupportedFormats = [ImageFormat.Png],
            MaxInputImages = maxInputs,
        };

    private static ImageModelDescriptor Imagen(string id, bool vertex, int maxPerCall) =>
        new(id, ImageCapabilities.TextToImage | (vertex ? ImageCapabilities.NegativePrompt | ImageCapabilities.Seed : ImageCapabilities.None))
        {
            MaxImagesPerCall = maxPerCall,
            SupportedAspectRatios = ImagenRatios,
            SupportedFormats = [ImageFormat.Png, ImageFormat.Jpeg],
            MaxInputImages = 0,
        };
}
