namespace UnifiedImageGen.Google;

/// <summary>Google's image models, as data: the Gemini image models (<c>generateContent</c>) and Imagen (<c>:predict</c>).</summary>
public static class GoogleModels
{
    /// <summary>Gemini 3.1 Flash Image (GA 2026-05-28), the default: 512/1K/2K/4K output and the extra ratios 1:4, 4:1, 1:8, 8:1.</summary>
    public const string Gemini31FlashImage = "gemini-3.1-flash-image";

    /// <summary>Gemini 3 Pro Image (GA 2026-05-28), with 1K/2K/4K output.</summary>
    public const string Gemini3ProImage = "gemini-3-pro-image";

    /// <summary>Gemini 2.5 Flash Image ("Nano Banana"): shut down on the Gemini API 2026-10-02; use <see cref="Gemini31FlashImage"/>.</summary>
    public const string Gemini25FlashImage = "gemini-2.5-flash-image";

    /// <summary>Gemini 3 Pro Image preview: shut down on the Gemini API 2026-06-25; use <see cref="Gemini3ProImage"/>.</summary>
    public const string Gemini3ProImagePreview = "gemini-3-pro-image-preview";

    /// <summary>Gemini 3.1 Flash Image preview: shut down on the Gemini API 2026-06-25; use <see cref="Gemini31FlashImage"/>.</summary>
    public const string Gemini31FlashImagePreview = "gemini-3.1-flash-image-preview";

    // PROVIDERS.md 13.4 and the Gemini API discovery document (ImageConfig.aspectRatio): the ten ratios of every Gemini
    // image model, plus 1:4, 4:1, 1:8, 8:1 on 3.1 Flash Image. The SDKs' Vertex AI ("Gemini Enterprise Agent Platform")
    // variant of ImageConfig lists only the ten, and imageSize 1K/2K/4K without 512.
    private static readonly AspectRatio[] GeminiRatios = [new(1, 1), new(2, 3), new(3, 2), new(3, 4), new(4, 3), new(4, 5), new(5, 4), new(9, 16), new(16, 9), new(21, 9)];
    private static readonly AspectRatio[] FlashRatios = [.. GeminiRatios, new(1, 4), new(4, 1), new(1, 8), new(8, 1)];
    private static readonly AspectRatio[] ImagenRatios = [new(1, 1), new(3, 4), new(4, 3), new(9, 16), new(16, 9)];

    // PROVIDERS.md 13.4: negativePrompt only on these Imagen models (Vertex AI).
    private static readonly string[] ImagenWithNegativePrompt = ["imagen-3.0-generate-001", "imagen-3.0-fast-generate-001", "imagen-3.0-capability-001"];

    /// <summary>
    /// Status, shut-down date and replacement of Google's image models (PROVIDERS.md 13.1). Models not listed are
    /// assumed current. A shut-down Gemini model is refused on the Gemini API before any call (it would answer 404).
    /// </summary>
    public static IReadOnlyList<GoogleModelLifecycle> Lifecycle { get; } =
    [
        new(Gemini31FlashImage, GoogleModelStatus.GenerallyAvailable, null, null),
        new(Gemini3ProImage, GoogleModelStatus.GenerallyAvailable, null, null),
        new(Gemini25FlashImage, GoogleModelStatus.ShutDown, new DateOnly(2026, 10, 2), Gemini31FlashImage),
        new(Gemini3ProImagePreview, GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 25), Gemini3ProImage),
        new(Gemini31FlashImagePreview, GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 25), Gemini31FlashImage),
        // Firebase AI Logic shut every Imagen model 2026-06-24 (capability-001 2026-06-30); Vertex AI's legacy Imagen
        // endpoints 2026-08-17 (third-party report): the date given is the first.
        new("imagen-4.0-generate-001", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 24), Gemini31FlashImage),
        new("imagen-4.0-ultra-generate-001", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 24), Gemini3ProImage),
        new("imagen-4.0-fast-generate-001", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 24), Gemini31FlashImage),
        new("imagen-3.0-generate-002", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 24), Gemini31FlashImage),
        new("imagen-3.0-generate-001", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 24), Gemini31FlashImage),
        new("imagen-3.0-fast-generate-001", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 24), Gemini31FlashImage),
        new("imagen-3.0-capability-001", GoogleModelStatus.ShutDown, new DateOnly(2026, 6, 30), Gemini31FlashImage),
    ];

    /// <summary>The lifecycle entry of <paramref name="model"/>, or null when the model is not listed.</summary>
    /// <param name="model">A model id.</param>
    /// <returns>The entry, or null.</returns>
    public static GoogleModelLifecycle? GetLifecycle(string model) =>
        Lifecycle.FirstOrDefault(entry => entry.Id.Equals(model, StringComparison.OrdinalIgnoreCase));

    // AspectRatio reduces 21:9 to 7:3; Google takes only the spelling of its list (ImageConfig.aspectRatio "21:9").
    internal static string WireRatio(AspectRatio ratio) => ratio.SpelledAs(["21:9"]);

    internal static bool IsImagen(string model) => model.StartsWith("imagen-", StringComparison.OrdinalIgnoreCase);

    // Gemini 3 image models take imageConfig.imageSize; 3.1 Flash Image also 512 and the extreme ratios.
    internal static bool TakesImageSize(string model) => model.StartsWith("gemini-3", StringComparison.OrdinalIgnoreCase);

    internal static bool IsFlash31(string model) => model.StartsWith("gemini-3.1-flash-image", StringComparison.OrdinalIgnoreCase);

    /// <summary>The models for a mode: on Vertex AI Imagen also takes a seed (and some a negative prompt).</summary>
    internal static IReadOnlyList<ImageModelDescriptor> For(bool vertex) =>
    [
        Gemini(Gemini31FlashImage, vertex),
        Gemini(Gemini3ProImage, vertex),
        Gemini(Gemini25FlashImage, vertex),
        Gemini(Gemini3ProImagePreview, vertex),
        Gemini(Gemini31FlashImagePreview, vertex),
        Imagen("imagen-4.0-generate-001", vertex, 4),
        Imagen("imagen-4.0-ultra-generate-001", vertex, 1),
        Imagen("imagen-4.0-fast-generate-001", vertex, 4),
        Imagen("imagen-3.0-generate-002", vertex, 4),
    ];

    internal static ImageModelDescriptor Unknown(string model, bool vertex) =>
        IsImagen(model) ? Imagen(model, vertex, 4) : Gemini(model, vertex);

    // generateContent takes generationConfig.seed (python-genai types.py GenerateContentConfig.seed). Input image
    // limits: 14 on Gemini 3 (unconfirmed for 3.1 Flash, see README), 3 on 2.5 Flash Image.
    private static ImageModelDescriptor Gemini(string id, bool vertex) =>
        new(id, ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages | ImageCapabilities.Seed)
        {
            MaxImagesPerCall = 1,
            SupportedAspectRatios = IsFlash31(id) && !vertex ? FlashRatios : GeminiRatios,
            SupportedFormats = [ImageFormat.Png],
            MaxInputImages = TakesImageSize(id) ? 14 : 3,
        };

    private static ImageModelDescriptor Imagen(string id, bool vertex, int maxPerCall) =>
        new(id, ImageCapabilities.TextToImage
            | (vertex ? ImageCapabilities.Seed : ImageCapabilities.None)
            | (vertex && ImagenWithNegativePrompt.Contains(id, StringComparer.OrdinalIgnoreCase) ? ImageCapabilities.NegativePrompt : ImageCapabilities.None))
        {
            MaxImagesPerCall = maxPerCall,
            SupportedAspectRatios = ImagenRatios,
            SupportedFormats = [ImageFormat.Png, ImageFormat.Jpeg],
            MaxInputImages = 0,
        };
}
