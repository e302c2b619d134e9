namespace UnifiedImageGen.Leonardo;

/// <summary>Options of <see cref="LeonardoImageGenerator"/>; bind from <c>ImageGeneration:Providers:leonardo</c>.</summary>
public sealed class LeonardoImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>The Leonardo REST API base address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://cloud.leonardo.ai/api/rest/v1/");

    /// <summary>Creates options for cloud.leonardo.ai.</summary>
    public LeonardoImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
        PollingInterval = TimeSpan.FromSeconds(2);
    }

    /// <summary>USD per Leonardo API credit, to turn <c>apiCreditCost</c> into dollars; unpriced when null (plans differ).</summary>
    public decimal? UsdPerCredit { get; set; }
}
