namespace UnifiedImageGen.StabilityAI;

/// <summary>Options of <see cref="StabilityAIImageGenerator"/>; bind from <c>ImageGeneration:Providers:stability</c>.</summary>
public sealed class StabilityAIImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>The Stability API base address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.stability.ai/");

    /// <summary>Creates options for api.stability.ai; results of async endpoints are polled every 10 s (Stability's minimum).</summary>
    public StabilityAIImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
        PollingInterval = TimeSpan.FromSeconds(10);
        MaxPollingInterval = TimeSpan.FromSeconds(15);
    }

    /// <summary>The response shape asked for: <c>image/*</c> (raw bytes, metadata in headers) or <c>application/json</c> (base64).</summary>
    /// <value><c>"image/*"</c>.</value>
    public string Accept { get; set; } = "image/*";

    /// <summary>Sent as <c>stability-client-id</c> (your application's name), if set.</summary>
    public string? ClientId { get; set; }

    /// <summary>Sent as <c>stability-client-user-id</c> when a request has no <see cref="ImageGenerationRequest.User"/>.</summary>
    public string? ClientUserId { get; set; }

    /// <summary>Sent as <c>stability-client-version</c>, if set.</summary>
    public string? ClientVersion { get; set; }

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (Accept is not ("image/*" or "application/json"))
        {
            yield return $"{configurationPath}:Accept must be image/* or application/json.";
        }

        if (PollingInterval < TimeSpan.FromSeconds(10))
        {
            yield return $"{configurationPath}:PollingInterval must be at least 10 seconds (Stability asks not to poll results faster).";
        }

        foreach (var (name, value) in new[] { ("ClientId", ClientId), ("ClientUserId", ClientUserId), ("ClientVersion", ClientVersion) })
        {
            if (value is { Length: > 256 })
            {
                yield return $"{configurationPath}:{name} must be at most 256 characters.";
            }
        }
    }
}
