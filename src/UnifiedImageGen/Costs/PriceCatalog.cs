namespace UnifiedImageGen.Costs;

/// <summary>
/// The built-in price table (PROVIDERS.md, prices as published up to 2026-11; they change often), extended or
/// overridden by <see cref="CostTrackingOptions.Prices"/>. A line for a provider and model beats a <c>"*"</c> line of
/// the provider; later lines beat earlier ones.
/// </summary>
public sealed class PriceCatalog : IPriceCatalog
{
    private readonly Dictionary<(string Provider, string Model), PriceEntry> _entries = [];

    /// <summary>Creates the catalog from the built-in table plus <paramref name="overrides"/>.</summary>
    /// <param name="overrides">Lines that add to or replace built-in ones.</param>
    /// <param name="includeBuiltIn">Whether to start from the built-in table.</param>
    public PriceCatalog(IEnumerable<PriceEntry>? overrides = null, bool includeBuiltIn = true)
    {
        foreach (var entry in (includeBuiltIn ? BuiltIn() : []).Concat(overrides ?? []))
        {
            _entries[(entry.Provider.ToLowerInvariant(), entry.Model.ToLowerInvariant())] = entry;
        }
    }

    /// <summary>The built-in table, shared; providers use it to put an estimate on results when no cost layer is present.</summary>
    public static PriceCatalog Default { get; } = new();

    /// <inheritdoc/>
    public string AsOf => "2026-11-22";

    /// <summary>The line that prices <paramref name="provider"/>/<paramref name="model"/>, if any.</summary>
    public PriceEntry? Find(string provider, string model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        return _entries.TryGetValue((provider.ToLowerInvariant(), model.ToLowerInvariant()), out var exact) ? exact
            : _entries.TryGetValue((provider.ToLowerInvariant(), "*"), out var any) ? any
            : null;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="request"/>'s Count is below 1: a negative estimate would free budget.</exception>
    public ImageCost? Estimate(string provider, string model, ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Count, $"request.Count must be at least 1 to be priced; it is {request.Count}.");
        }

        var entry = Find(provider, model);
        if (entry is null)
        {
            return null;
        }

        decimal each = PerImage(entry, request.Size, request.Quality, out string basis);
        return new ImageCost { EstimatedUsd = each * request.Count, Basis = $"{basis}, x{request.Count}, {Describe(entry)}" };
    }

    /// <inheritdoc/>
    public decimal? Actual(ImageGenerationRequest request, ImageGenerationResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (result.FromCache)
        {
            return 0m;
        }

        if (result.Cost?.ReportedUsd is { } reported)
        {
            return reported;
        }

        var entry = Find(result.Provider, result.Model);
        if (entry is null)
        {
            return null;
        }

        var delivered = result.Images.Where(i => i.IsSuccess).ToArray();
        switch (entry.Unit)
        {
            case PriceUnit.PerGpuSecond when result.Usage?.ComputeSeconds is { } seconds:
                return (decimal)seconds * entry.Usd;
            case PriceUnit.PerCredit when result.Usage?.Credits is { } credits:
                return (decimal)credits * entry.Usd;
            case PriceUnit.PerMegapixel:
                return delivered.Sum(i => i.Width is { } w && i.Height is { } h
                    ? Math.Ceiling(w * (decimal)h / 1_000_000m) * entry.Usd
                    : PerImage(entry, request.Size, request.Quality, out _));
            default:
                return delivered.Length * PerImage(entry, request.Size, request.Quality, out _);
        }
    }

    private static decimal PerImage(PriceEntry entry, ImageSize? size, ImageQuality? quality, out string basis)
    {
        string? q = quality is { } given && given != ImageQuality.Auto ? given.Value : null;
        string? s = size?.ToString();
        foreach (var key in new[] { q is not null && s is not null ? $"{q}-{s}" : null, q, s })
        {
            if (key is not null && entry.Variants.TryGetValue(key, out decimal variant))
            {
                basis = $"per image, {key}";
                return variant;
            }
        }

        switch (entry.Unit)
        {
            case PriceUnit.PerMegapixel:
                decimal megapixels = size is { } known ? Math.Ceiling(known.Pixels / 1_000_000m) : 1m;
                basis = $"per megapixel, {megapixels} MP";
                return megapixels * entry.Usd;
            case PriceUnit.PerCredit:
                basis = $"per credit, {entry.CreditsPerImage ?? 1} credits an image";
                return (entry.CreditsPerImage ?? 1m) * entry.Usd;
            case PriceUnit.PerGpuSecond:
                basis = $"per GPU-second, about {entry.EstimatedSecondsPerImage ?? 1} s an image";
                return (entry.EstimatedSecondsPerImage ?? 1m) * entry.Usd;
            default:
                basis = "per image";
                return entry.Usd;
        }
    }

    private string Describe(PriceEntry entry) => $"price table {AsOf}" + (entry.Source is null ? "" : $" ({entry.Source})");

    private static PriceEntry Line(string provider, string model, PriceUnit unit, decimal usd, string? source = null, params (string Key, decimal Usd)[] variants)
    {
        var entry = new PriceEntry { Provider = provider, Model = model, Unit = unit, Usd = usd, Source = source };
        foreach (var (key, price) in variants)
        {
            entry.Variants[key] = price;
        }

        return entry;
    }

    private static PriceEntry Credits(string provider, string model, decimal credits, decimal usdPerCredit = 0.01m, string? source = null) =>
        new() { Provider = provider, Model = model, Unit = PriceUnit.PerCredit, Usd = usdPerCredit, CreditsPerImage = credits, Source = source };

    private static IEnumerable<PriceEntry> BuiltIn()
    {
        const string Unconfirmed = "not confirmed by the provider";

        // OpenAI: DALL-E per image; GPT image models per token, estimated per image by quality and shape.
        yield return Line("openai", "dall-e-3", PriceUnit.PerImage, 0.040m, null, ("standard-1024x1024", 0.040m), ("standard-1792x1024", 0.080m), ("standard-1024x1792", 0.080m), ("hd-1024x1024", 0.080m), ("hd-1792x1024", 0.120m), ("hd-1024x1792", 0.120m), ("hd", 0.080m));
        yield return Line("openai", "dall-e-2", PriceUnit.PerImage, 0.020m, null, ("1024x1024", 0.020m), ("512x512", 0.018m), ("256x256", 0.016m));
        var gpt = new[] { ("low-1024x1024", 0.011m), ("low-1536x1024", 0.016m), ("low-1024x1536", 0.016m), ("low", 0.011m), ("medium-1024x1024", 0.042m), ("medium-1536x1024", 0.063m), ("medium-1024x1536", 0.063m), ("medium", 0.042m), ("high-1024x1024", 0.167m), ("high-1536x1024", 0.25m), ("high-1024x1536", 0.25m), ("high", 0.167m) };
        yield return Line("openai", "gpt-image-1", PriceUnit.PerToken, 0.042m, "per-image estimates from token counts", gpt);
        foreach (var model in new[] { "gpt-image-1.5", "gpt-image-2", "gpt-image-2-2026-04-21" })
        {
            yield return Line("openai", model, PriceUnit.PerToken, 0.042m, Unconfirmed + "; gpt-image-1 rates assumed", gpt);
        }

        yield return Line("openai", "gpt-image-1-mini", PriceUnit.PerToken, 0.011m, "per-image estimates from token counts", ("low", 0.005m), ("low-1024x1024", 0.005m), ("low-1536x1024", 0.006m), ("low-1024x1536", 0.006m), ("medium", 0.011m), ("medium-1024x1024", 0.011m), ("medium-1536x1024", 0.015m), ("medium-1024x1536", 0.015m), ("high", 0.036m), ("high-1024x1024", 0.036m), ("high-1536x1024", 0.052m), ("high-1024x1536", 0.052m));

        // Stability: credits at $0.01.
        yield return Credits("stability", "ultra", 8);
        yield return Credits("stability", "core", 3);
        yield return Credits("stability", "sd3.5-large", 6.5m);
        yield return Credits("stability", "sd3.5-large-turbo", 4);
        yield return Credits("stability", "sd3.5-medium", 3.5m);
        yield return Credits("stability", "sd3.5-flash", 2.5m, source: Unconfirmed);
        yield return Credits("stability", "inpaint", 5);
        yield return Credits("stability", "outpaint", 4);
        // Keyed by the model ids the Stability generator accepts (PROVIDERS.md 13.3): "conservative"/"creative" never matched them.
        yield return Credits("stability", "upscale-conservative", 40);
        yield return Credits("stability", "upscale-creative", 60);
        yield return Credits("stability", "upscale-fast", 2);
        yield return Credits("stability", "remove-background", 5);
        // Flat 8 credits each, from the endpoint descriptions in Stability's spec (PROVIDERS.md 2.3 and 13.3).
        yield return Credits("stability", "style-transfer", 8);
        yield return Credits("stability", "replace-background-and-relight", 8);
        yield return Credits("stability", "*", 5, source: "edit and control endpoints");

        // Replicate: per image for the official FLUX models, GPU time otherwise.
        yield return Line("replicate", "black-forest-labs/flux-schnell", PriceUnit.PerImage, 0.003m);
        yield return Line("replicate", "black-forest-labs/flux-dev", PriceUnit.PerImage, 0.025m);
        yield return Line("replicate", "black-forest-labs/flux-1.1-pro", PriceUnit.PerImage, 0.04m, Unconfirmed);
        // Black Forest Labs' own per-image list prices (docs.bfl.ml pricing); Replicate's resale prices are not confirmed.
        // FLUX.2 pro/dev have no line: no per-image price found (priced by megapixel elsewhere), so the GPU-time line applies.
        yield return Line("replicate", "black-forest-labs/flux-1.1-pro-ultra", PriceUnit.PerImage, 0.06m, Unconfirmed + "; BFL list price assumed");
        yield return Line("replicate", "black-forest-labs/flux-kontext-pro", PriceUnit.PerImage, 0.04m, Unconfirmed + "; BFL list price assumed");
        yield return Line("replicate", "black-forest-labs/flux-kontext-max", PriceUnit.PerImage, 0.08m, Unconfirmed + "; BFL list price assumed");
        yield return new PriceEntry { Provider = "replicate", Model = "*", Unit = PriceUnit.PerGpuSecond, Usd = 0.001400m, EstimatedSecondsPerImage = 10, Source = "Nvidia L40S rate; " + Unconfirmed };

        // fal: per megapixel, rounded up.
        yield return Line("fal", "fal-ai/flux/schnell", PriceUnit.PerMegapixel, 0.003m);
        yield return Line("fal", "fal-ai/flux/dev", PriceUnit.PerMegapixel, 0.025m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-lora", PriceUnit.PerMegapixel, 0.035m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-pro/v1.1", PriceUnit.PerMegapixel, 0.055m, Unconfirmed);
        // Third-party copies of fal's pricing page only (Kontext and ultra flat per image; FLUX.2 pro $0.03 for the first
        // megapixel and $0.015 for each further one, estimated here at $0.03 for every megapixel, so never under).
        yield return Line("fal", "fal-ai/flux-pro/v1.1-ultra", PriceUnit.PerImage, 0.06m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-pro/kontext", PriceUnit.PerImage, 0.04m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-pro/kontext/text-to-image", PriceUnit.PerImage, 0.04m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-pro/kontext/max", PriceUnit.PerImage, 0.08m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-pro/kontext/max/text-to-image", PriceUnit.PerImage, 0.08m, Unconfirmed);
        yield return Line("fal", "fal-ai/flux-2-pro", PriceUnit.PerMegapixel, 0.03m, Unconfirmed);

        // Black Forest Labs: per image (FLUX.2 from-prices per megapixel); the submit response reports the actual cost.
        yield return Line("bfl", "flux-pro-1.1", PriceUnit.PerImage, 0.04m);
        yield return Line("bfl", "flux-pro-1.1-ultra", PriceUnit.PerImage, 0.06m);
        yield return Line("bfl", "flux-dev", PriceUnit.PerImage, 0.025m, Unconfirmed);
        yield return Line("bfl", "flux-2-pro", PriceUnit.PerMegapixel, 0.03m, "from-price");
        yield return Line("bfl", "flux-2-max", PriceUnit.PerMegapixel, 0.07m, "from-price");
        yield return Line("bfl", "flux-2-flex", PriceUnit.PerMegapixel, 0.05m, "from-price");
        yield return Line("bfl", "flux-2-klein-4b", PriceUnit.PerMegapixel, 0.014m, "from-price");
        yield return Line("bfl", "flux-2-klein-9b", PriceUnit.PerMegapixel, 0.015m, "from-price");

        // Google Imagen (Gemini API pricing page 2025, not re-verified).
        yield return Line("google", "imagen-4.0-fast-generate-001", PriceUnit.PerImage, 0.02m, Unconfirmed);
        yield return Line("google", "imagen-4.0-generate-001", PriceUnit.PerImage, 0.04m, Unconfirmed);
        yield return Line("google", "imagen-4.0-ultra-generate-001", PriceUnit.PerImage, 0.06m, Unconfirmed);
        yield return Line("google", "imagen-3.0-generate-002", PriceUnit.PerImage, 0.03m, Unconfirmed);

        // Gemini image models: per output token, about 1,290 tokens an image at $30 per million (2.5 Flash Image).
        yield return Line("google", "gemini-2.5-flash-image", PriceUnit.PerToken, 0.039m, Unconfirmed);
        yield return Line("google", "gemini-3-pro-image-preview", PriceUnit.PerToken, 0.134m, Unconfirmed, ("1K", 0.134m), ("2K", 0.134m), ("4K", 0.24m));
        // The GA Gemini 3 ids (2026-05-28), priced per image size as the previews were; the provider reports the
        // actual size class on the result (UnifiedImageGen.Google GooglePrices), this line is the pre-call estimate at 1K.
        yield return Line("google", "gemini-3.1-flash-image", PriceUnit.PerToken, 0.067m, Unconfirmed, ("0.5K", 0.045m), ("1K", 0.067m), ("2K", 0.101m), ("4K", 0.151m));
        yield return Line("google", "gemini-3-pro-image", PriceUnit.PerToken, 0.134m, Unconfirmed, ("1K", 0.134m), ("2K", 0.134m), ("4K", 0.24m));

        // Ideogram: per image by rendering speed.
        (string, decimal)[] v3Speeds = [("TURBO", 0.03m), ("FLASH", 0.03m), ("DEFAULT", 0.06m), ("BALANCED", 0.06m), ("QUALITY", 0.09m), ("low", 0.03m), ("medium", 0.06m), ("high", 0.09m)];
        yield return Line("ideogram", "V_3", PriceUnit.PerImage, 0.06m, null, v3Speeds);
        // Ideogram publishes no price for these v3 endpoints (nor for reframe, priced by the V_3 line): generation prices assumed.
        yield return Line("ideogram", "V_3/replace-background", PriceUnit.PerImage, 0.06m, Unconfirmed + "; v3 generation prices assumed", v3Speeds);
        yield return Line("ideogram", "V_3/generate-transparent", PriceUnit.PerImage, 0.06m, Unconfirmed + "; v3 generation prices assumed", v3Speeds);
        yield return Line("ideogram", "V_2A_TURBO", PriceUnit.PerImage, 0.025m, Unconfirmed);
        yield return Line("ideogram", "V_1_TURBO", PriceUnit.PerImage, 0.02m, Unconfirmed);
        yield return Line("ideogram", "*", PriceUnit.PerImage, 0.08m, Unconfirmed);

        // The offline provider.
        yield return Line("placeholder", "*", PriceUnit.PerImage, 0m);
    }
}
