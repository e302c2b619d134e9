namespace UnifiedImageGen;

/// <summary>Options every job provider has on top of <see cref="ImageGeneratorOptionsBase"/>: how often to poll and how long to wait.</summary>
public abstract class JobImageGeneratorOptionsBase : ImageGeneratorOptionsBase
{
    /// <summary>Creates options with the provider's base address.</summary>
    /// <param name="defaultEndpoint">The provider's public base address.</param>
    protected JobImageGeneratorOptionsBase(Uri defaultEndpoint)
        : base(defaultEndpoint)
    {
    }

    /// <summary>The first wait between status polls; it grows by half each poll up to <see cref="MaxPollingInterval"/>.</summary>
    /// <value>1 second.</value>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between status polls.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="IImageGenerator.GenerateAsync"/> and <see cref="IImageJobGenerator.WaitForCompletionAsync"/> wait for a job; the job is cancelled at the provider after that.</summary>
    /// <value>10 minutes.</value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An https URL the provider calls when a job changes state, if any.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (PollingInterval <= TimeSpan.Zero || MaxPollingInterval < PollingInterval)
        {
            yield return $"{configurationPath}:PollingInterval must be positive and MaxPollingInterval at least as long.";
        }

        if (MaxWait <= TimeSpan.Zero)
        {
            yield return $"{configurationPath}:MaxWait must be positive.";
        }

        if (WebhookUrl is { } webhook && (!webhook.IsAbsoluteUri || webhook.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"{configurationPath}:WebhookUrl must be an absolute https URL.";
        }
    }
}
