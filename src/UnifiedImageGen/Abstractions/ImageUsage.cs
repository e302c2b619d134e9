namespace UnifiedImageGen;

/// <summary>Token usage, for providers that bill image models by tokens (GPT image models).</summary>
public sealed record ImageUsage
{
    /// <summary>All input tokens (text plus image).</summary>
    public long? InputTokens { get; init; }

    /// <summary>Input tokens from text.</summary>
    public long? InputTextTokens { get; init; }

    /// <summary>Input tokens from images.</summary>
    public long? InputImageTokens { get; init; }

    /// <summary>Output tokens (the generated images).</summary>
    public long? OutputTokens { get; init; }

    /// <summary>Input plus output tokens.</summary>
    public long? TotalTokens { get; init; }

    /// <summary>GPU seconds, for providers that bill by compute time (Replicate, self-hosted).</summary>
    public double? ComputeSeconds { get; init; }

    /// <summary>Provider credits, for providers that bill in credits (Stability, Leonardo).</summary>
    public double? Credits { get; init; }
}

/// <summary>What a call cost, estimated and (where the provider reports it) actual.</summary>
public sealed record ImageCost
{
    /// <summary>Our estimate in US dollars from the price table.</summary>
    public decimal EstimatedUsd { get; init; }

    /// <summary>The cost the provider reported (or that follows from reported usage), when it did.</summary>
    public decimal? ReportedUsd { get; init; }

    /// <summary>How the figure was reached, such as <c>"per image, 1024x1024, hd"</c>.</summary>
    public string Basis { get; init; } = "";

    /// <summary>The best figure: reported when known, else estimated.</summary>
    public decimal Usd => ReportedUsd ?? EstimatedUsd;

    /// <summary>A zero cost (cache hits, the offline provider).</summary>
    public static ImageCost Free(string basis) => new() { EstimatedUsd = 0m, ReportedUsd = 0m, Basis = basis };
}
