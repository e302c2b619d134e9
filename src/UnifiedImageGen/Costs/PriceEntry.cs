namespace UnifiedImageGen.Costs;

/// <summary>How a model is billed.</summary>
public enum PriceUnit
{
    /// <summary>A fixed price per output image (optionally by quality and size, see <see cref="PriceEntry.Variants"/>).</summary>
    PerImage,

    /// <summary>A price per output megapixel, rounded up per image.</summary>
    PerMegapixel,

    /// <summary>A price per second of GPU time (<see cref="ImageUsage.ComputeSeconds"/>); <see cref="PriceEntry.EstimatedSecondsPerImage"/> estimates it before the call.</summary>
    PerGpuSecond,

    /// <summary>A price per provider credit (<see cref="ImageUsage.Credits"/>); <see cref="PriceEntry.CreditsPerImage"/> estimates it before the call.</summary>
    PerCredit,

    /// <summary>Per token (GPT image models): <see cref="PriceEntry.Variants"/> holds per-image estimates; actual cost comes from the provider's usage.</summary>
    PerToken,
}

/// <summary>One line of the price catalog. Binds from configuration (<c>ImageGeneration:Costs:Prices:{n}</c>).</summary>
public sealed class PriceEntry
{
    /// <summary>The provider name, such as <c>"openai"</c>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The model id, or <c>"*"</c> for every model of the provider without a line of its own.</summary>
    public string Model { get; set; } = "*";

    /// <summary>How the model is billed.</summary>
    public PriceUnit Unit { get; set; }

    /// <summary>USD per unit (image, megapixel, GPU-second, credit); for <see cref="PriceUnit.PerToken"/> the default per-image estimate.</summary>
    public decimal Usd { get; set; }

    /// <summary>Per-image prices by <c>"{quality}-{size}"</c>, <c>"{quality}"</c> or <c>"{size}"</c>, such as <c>"hd-1792x1024"</c>; the most specific match wins over <see cref="Usd"/>.</summary>
    public Dictionary<string, decimal> Variants { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For <see cref="PriceUnit.PerCredit"/>: credits one image costs, for the estimate.</summary>
    public decimal? CreditsPerImage { get; set; }

    /// <summary>For <see cref="PriceUnit.PerGpuSecond"/>: GPU seconds one image takes, for the estimate.</summary>
    public decimal? EstimatedSecondsPerImage { get; set; }

    /// <summary>Where the figure comes from, or why it is assumed.</summary>
    public string? Source { get; set; }
}
