namespace UnifiedImageGen.BlackForestLabs;

/// <summary>Options of <see cref="BlackForestLabsImageGenerator"/>; bind from <c>ImageGeneration:Providers:bfl</c>.</summary>
public sealed class BlackForestLabsImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>The global, load-balanced host (the default).</summary>
    public static readonly Uri GlobalEndpoint = new("https://api.bfl.ai/");

    /// <summary>The European host (data stays in the EU).</summary>
    public static readonly Uri EuropeEndpoint = new("https://api.eu.bfl.ai/");

    /// <summary>The United States host.</summary>
    public static readonly Uri UnitedStatesEndpoint = new("https://api.us.bfl.ai/");

    /// <summary>Creates options for the global host; results are polled from every half second, as BFL's examples do.</summary>
    public BlackForestLabsImageGeneratorOptions()
        : base(GlobalEndpoint)
    {
        PollingInterval = TimeSpan.FromMilliseconds(500);
        MaxPollingInterval = TimeSpan.FromSeconds(5);
    }

    /// <summary>Sent as <c>webhook_secret</c> with <see cref="JobImageGeneratorOptionsBase.WebhookUrl"/>, for the webhook's signature.</summary>
    public string? WebhookSecret { get; set; }

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        // webhook_url: at most 2083 characters (bfl-openapi.json).
        if (WebhookUrl is { IsAbsoluteUri: true } webhook && webhook.AbsoluteUri.Length > BlackForestLabsImageGenerator.MaxWebhookUrlLength)
        {
            yield return $"{configurationPath}:WebhookUrl must be at most {BlackForestLabsImageGenerator.MaxWebhookUrlLength} characters.";
        }
    }
}
