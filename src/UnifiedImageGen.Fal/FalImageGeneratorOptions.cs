namespace UnifiedImageGen.Fal;

/// <summary>Options of <see cref="FalImageGenerator"/>; bind from <c>ImageGeneration:Providers:fal</c>.</summary>
public sealed class FalImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>The queue host.</summary>
    public static readonly Uri DefaultEndpoint = new("https://queue.fal.run/");

    /// <summary>Creates options for fal's queue.</summary>
    public FalImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
    }

    /// <summary>The synchronous host, used when <see cref="UseQueue"/> is off.</summary>
    public Uri SyncEndpoint { get; set; } = new("https://fal.run/");

    /// <summary>
    /// Whether to use the queue (submit, poll, fetch: survives slow models, reports queue position and logs, can be
    /// cancelled and resumed). Off sends one blocking call to <see cref="SyncEndpoint"/>, for short jobs.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool UseQueue { get; set; } = true;

    /// <summary>fal's platform REST host, where input files are uploaded to fal storage (fal-js <c>config.ts</c> <c>getRestApiUrl</c>).</summary>
    public Uri RestEndpoint { get; set; } = new("https://rest.fal.ai/");

    /// <summary>
    /// Input images given as bytes up to this size travel inline as <c>data:</c> URIs; larger ones are uploaded to fal
    /// storage first and sent as its URL (a data: URI adds a third and rides in every queue body fal keeps). 0 uploads
    /// every byte input.
    /// </summary>
    /// <value>256 KiB.</value>
    public long InlineInputMaxBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long a request may wait in fal's queue before fal drops it, sent as <c>X-Fal-Request-Timeout</c> (seconds,
    /// more than 1). It bounds the queue wait only, not the run (PROVIDERS.md 13.6); <see cref="JobImageGeneratorOptionsBase.MaxWait"/>
    /// bounds how long this SDK waits. Null sends no header, so fal's own default applies.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public TimeSpan? QueueTimeout { get; set; }

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (SyncEndpoint is null || !SyncEndpoint.IsAbsoluteUri)
        {
            yield return $"{configurationPath}:SyncEndpoint must be an absolute URL.";
        }

        if (RestEndpoint is null || !RestEndpoint.IsAbsoluteUri)
        {
            yield return $"{configurationPath}:RestEndpoint must be an absolute URL.";
        }

        if (InlineInputMaxBytes < 0)
        {
            yield return $"{configurationPath}:InlineInputMaxBytes must be 0 or more.";
        }

        if (QueueTimeout is { TotalSeconds: <= 1 })
        {
            yield return $"{configurationPath}:QueueTimeout must be more than 1 second (fal's minimum for X-Fal-Request-Timeout).";
        }
    }
}
