namespace UnifiedImageGen.Google;

/// <summary>
/// Per-image prices of the Gemini image models by <c>imageSize</c>, which the core catalog cannot key on (it keys sizes
/// as WxH). Source: Google's Gemini API pricing page as quoted 2026-04-04 for the preview ids ($60 per million image
/// tokens on 3.1 Flash Image, $120 on 3 Pro Image); the GA ids are assumed to keep them (see the README).
/// </summary>
internal static class GooglePrices
{
    public const string AsOf = "2026-04-04";

    private static readonly Dictionary<string, Dictionary<string, decimal>> PerImage = new(StringComparer.OrdinalIgnoreCase)
    {
        [GoogleModels.Gemini31FlashImage] = new() { ["512"] = 0.045m, ["1K"] = 0.067m, ["2K"] = 0.101m, ["4K"] = 0.151m },
        [GoogleModels.Gemini3ProImage] = new() { ["1K"] = 0.134m, ["2K"] = 0.134m, ["4K"] = 0.24m },
    };

    /// <summary>The price of one image of <paramref name="model"/> at <paramref name="imageSize"/> (null: the model's default, 1K).</summary>
    public static decimal? Find(string model, string? imageSize) =>
        PerImage.TryGetValue(model, out var sizes) && sizes.TryGetValue(imageSize ?? "1K", out decimal usd) ? usd : null;
}
