namespace UnifiedImageGen.OpenAI;

/// <summary>Prices of one model: per token (GPT image models) or per image (DALL-E).</summary>
public sealed class OpenAIModelPrice
{
    /// <summary>USD per million text input tokens.</summary>
    public decimal? TextInputPerMillion { get; set; }

    /// <summary>USD per million image input tokens.</summary>
    public decimal? ImageInputPerMillion { get; set; }

    /// <summary>USD per million image output tokens.</summary>
    public decimal? ImageOutputPerMillion { get; set; }

    /// <summary>
    /// USD per million text output tokens (<c>usage.output_tokens_details.text_tokens</c>). Not published for the built-in
    /// models; while unset, text output tokens are counted at <see cref="ImageOutputPerMillion"/>, an upper bound.
    /// </summary>
    public decimal? TextOutputPerMillion { get; set; }

    /// <summary>USD per image keyed <c>"{quality}-{size}"</c>, such as <c>"hd-1792x1024"</c> (a dash, since a colon separates configuration keys).</summary>
    public Dictionary<string, decimal> PerImage { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Set when the figures are assumed rather than published, with the reason.</summary>
    public string? Note { get; set; }

    /// <summary>Whether the model is billed by tokens.</summary>
    public bool IsTokenBilled => ImageOutputPerMillion is not null;
}

/// <summary>
/// OpenAI image prices (OpenAI pricing page 2025-2026, PROVIDERS.md 1.9), dated; override or extend any model through
/// <see cref="OpenAIImageGeneratorOptions.Prices"/> or configuration (<c>Providers:openai:Prices:Models:{model}</c>).
/// </summary>
public sealed class OpenAIPriceTable
{
    /// <summary>Output tokens one GPT image takes, by quality and shape, from OpenAI's published table for gpt-image-1.</summary>
    private static readonly Dictionary<string, (int Square, int Portrait, int Landscape)> OutputTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        ["low"] = (272, 408, 400),
        ["medium"] = (1056, 1584, 1568),
        ["high"] = (4160, 6240, 6208),
    };

    /// <summary>Creates the table with the built-in prices.</summary>
    public OpenAIPriceTable()
    {
        var gptImage1 = Tokens(5.00m, 10.00m, 40.00m);
        Models["gpt-image-1"] = gptImage1;
        Models["gpt-image-1-mini"] = Tokens(2.00m, 2.50m, 8.00m);
        foreach (var id in new[] { "gpt-image-1.5", "gpt-image-2", "gpt-image-2-2026-04-21", "chatgpt-image-latest" })
        {
            var assumed = Tokens(5.00m, 10.00m, 40.00m);
            assumed.Note = "price not confirmed; gpt-image-1 rates assumed";
            Models[id] = assumed;
        }

        var dallE3 = new OpenAIModelPrice();
        dallE3.PerImage["standard-1024x1024"] = 0.040m;
        dallE3.PerImage["standard-1792x1024"] = 0.080m;
        dallE3.PerImage["standard-1024x1792"] = 0.080m;
        dallE3.PerImage["hd-1024x1024"] = 0.080m;
        dallE3.PerImage["hd-1792x1024"] = 0.120m;
        dallE3.PerImage["hd-1024x1792"] = 0.120m;
        Models["dall-e-3"] = dallE3;

        var dallE2 = new OpenAIModelPrice();
        dallE2.PerImage["standard-1024x1024"] = 0.020m;
        dallE2.PerImage["standard-512x512"] = 0.018m;
        dallE2.PerImage["standard-256x256"] = 0.016m;
        Models["dall-e-2"] = dallE2;
    }

    /// <summary>The date the built-in figures were taken.</summary>
    public string AsOf { get; set; } = "2026-11-22";

    /// <summary>Prices by model id (case-insensitive).</summary>
    public Dictionary<string, OpenAIModelPrice> Models { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Estimates a call before it is made.</summary>
    /// <param name="model">The model id.</param>
    /// <param name="count">How many images.</param>
    /// <param name="size">The size asked for, or null for the model default.</param>
    /// <param name="quality">The quality asked for, or null for the model default.</param>
    /// <param name="promptLength">The prompt's length in characters (about four per token).</param>
    /// <param name="inputImages">How many input images an edit sends.</param>
    /// <returns>The estimate, or null for a model with no price.</returns>
    public ImageCost? Estimate(string model, int count, ImageSize? size, ImageQuality? quality, int promptLength, int inputImages)
    {
        if (!Models.TryGetValue(model, out var price))
        {
            return null;
        }

        if (!price.IsTokenBilled)
        {
            string q = quality is { } given && given != ImageQuality.Auto ? given.Value : "standard";
            string s = (size ?? ImageSize.Square1024).ToString();
            return price.PerImage.TryGetValue($"{q}-{s}", out decimal each)
                ? new ImageCost { EstimatedUsd = each * count, Basis = $"per image, {s}, {q}, price table {AsOf}" }
                : null;
        }

        // Quality auto is estimated as medium; input images as about 1,000 tokens each (a 1024x1024 tile grid).
        string level = quality is { } explicitLevel && OutputTokens.ContainsKey(explicitLevel.Value) ? explicitLevel.Value : "medium";
        long output = OutputTokensPerImage(level, size ?? ImageSize.Square1024) * (long)count;
        decimal usd = (Tokens(promptLength / 4 + 1, price.TextInputPerMillion) + Tokens(inputImages * 1000L, price.ImageInputPerMillion) + Tokens(output, price.ImageOutputPerMillion));
        return new ImageCost { EstimatedUsd = usd, Basis = $"per token, {level} quality, {size ?? ImageSize.Square1024}, price table {AsOf}{(price.Note is null ? "" : "; " + price.Note)}" };
    }

    /// <summary>The cost that follows from the usage a GPT image model reported, every output token priced as an image token.</summary>
    /// <param name="model">The model id.</param>
    /// <param name="usage">The reported usage.</param>
    /// <returns>The cost in USD, or null when the model has no token price.</returns>
    public decimal? FromUsage(string model, ImageUsage usage) => FromUsage(model, usage, outputImageTokens: null, outputTextTokens: null);

    /// <summary>
    /// The cost that follows from the usage a GPT image model reported, with input and output each split into text and
    /// image tokens (<c>input_tokens_details</c>, <c>output_tokens_details</c>; openai-openapi <c>ImageGenUsage</c>).
    /// </summary>
    /// <param name="model">The model id.</param>
    /// <param name="usage">The reported usage.</param>
    /// <param name="outputImageTokens"><c>output_tokens_details.image_tokens</c>, or null when not reported.</param>
    /// <param name="outputTextTokens"><c>output_tokens_details.text_tokens</c>, or null when not reported.</param>
    /// <returns>The cost in USD, or null when the model has no token price.</returns>
    public decimal? FromUsage(string model, ImageUsage usage, long? outputImageTokens, long? outputTextTokens)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (!Models.TryGetValue(model, out var price) || !price.IsTokenBilled)
        {
            return null;
        }

        long inputText = usage.InputTextTokens ?? usage.InputTokens ?? 0;
        long inputImage = usage.InputImageTokens ?? 0;
        long outputText = outputTextTokens ?? 0;
        long outputImage = outputImageTokens ?? Math.Max(0, (usage.OutputTokens ?? 0) - outputText);
        return Tokens(inputText, price.TextInputPerMillion) + Tokens(inputImage, price.ImageInputPerMillion)
            + Tokens(outputImage, price.ImageOutputPerMillion) + Tokens(outputText, price.TextOutputPerMillion ?? price.ImageOutputPerMillion);
    }

    private static long OutputTokensPerImage(string quality, ImageSize size)
    {
        var (square, portrait, landscape) = OutputTokens[quality];
        if (size == ImageSize.Square1024)
        {
            return square;
        }

        if (size == new ImageSize(1024, 1536))
        {
            return portrait;
        }

        if (size == new ImageSize(1536, 1024))
        {
            return landscape;
        }

        // Other sizes (gpt-image-2): scale the square figure by pixel count.
        return (long)Math.Ceiling(square * (size.Pixels / (1024d * 1024d)));
    }

    private static decimal Tokens(long tokens, decimal? perMillion) => perMillion is { } rate ? tokens * rate / 1_000_000m : 0m;

    private static OpenAIModelPrice Tokens(decimal text, decimal image, decimal output) =>
        new() { TextInputPerMillion = text, ImageInputPerMillion = image, ImageOutputPerMillion = output };
}
