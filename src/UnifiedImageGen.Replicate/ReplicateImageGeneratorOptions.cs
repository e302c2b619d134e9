namespace UnifiedImageGen.Replicate;

/// <summary>Options of <see cref="ReplicateImageGenerator"/>; bind from <c>ImageGeneration:Providers:replicate</c>.</summary>
public sealed class ReplicateImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>The Replicate API base address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.replicate.com/v1/");

    /// <summary>Creates options for api.replicate.com.</summary>
    public ReplicateImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
    }

    /// <summary>
    /// Seconds the create call may hold the connection for a quick result (<c>Prefer: wait=N</c>, 1-60); 0 to return at
    /// once and poll. Fast models (flux-schnell) usually finish inside it, saving every poll.
    /// </summary>
    /// <value>60.</value>
    public int PreferWaitSeconds { get; set; } = 60;

    /// <summary>Which webhook events to ask for (<c>start</c>, <c>output</c>, <c>logs</c>, <c>completed</c>) when <see cref="JobImageGeneratorOptionsBase.WebhookUrl"/> is set; empty for Replicate's default.</summary>
    public List<string> WebhookEvents { get; } = [];

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (PreferWaitSeconds is < 0 or > 60)
        {
            yield return $"{configurationPath}:PreferWaitSeconds must be between 0 and 60.";
        }

        foreach (var name in WebhookEvents.Where(e => e is not ("start" or "output" or "logs" or "completed")))
        {
            yield return $"{configurationPath}:WebhookEvents has '{name}'; allowed: start, output, logs, completed.";
        }
    }
}
