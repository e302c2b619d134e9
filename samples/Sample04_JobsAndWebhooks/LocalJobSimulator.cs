using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using UnifiedImageGen;
using UnifiedImageGen.Placeholder;

namespace Sample04;

/// <summary>
/// OFFLINE STAND-IN for Replicate: a job generator that renders with the placeholder provider and, a moment later,
/// delivers a Replicate-format webhook signed with the sample's local test secret to this app. It lets the whole
/// start -> webhook -> verify -> store -> serve flow run with no key and no network. Not for production.
/// </summary>
internal sealed class LocalJobSimulator(IHttpClientFactory httpClients, ILogger<LocalJobSimulator> logger) : IImageJobGenerator
{
    public const string Name = "simulator";

    private readonly PlaceholderImageGenerator _renderer = new(new PlaceholderImageGeneratorOptions { DefaultWidth = 512, DefaultHeight = 512 });
    private readonly ConcurrentDictionary<string, ImageGenerationResult> _results = new(StringComparer.Ordinal);

    /// <summary>Where to deliver webhooks (this app's /webhooks/replicate); none are sent while null.</summary>
    public Uri? WebhookUrl { get; set; }

    public ImageGeneratorMetadata Metadata => _renderer.Metadata;

    public async Task<ImageJob> StartAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        string id = "sim-" + Guid.NewGuid().ToString("N")[..16];
        _results[id] = await _renderer.GenerateAsync(request, cancellationToken) with { ProviderRequestId = id };
        if (WebhookUrl is { } target)
        {
            _ = DeliverLaterAsync(target, id); // fire and forget, like a provider finishing later
        }

        return new ImageJob { Provider = Name, Id = id, Status = ImageJobStatus.Queued, Model = PlaceholderImageGenerator.ModelId };
    }

    public Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ImageJob { Provider = Name, Id = jobId, Status = _results.ContainsKey(jobId) ? ImageJobStatus.Succeeded : ImageJobStatus.Failed });

    public Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ImageJob { Provider = Name, Id = jobId, Status = ImageJobStatus.Canceled });

    public Task<ImageGenerationResult> WaitForCompletionAsync(string jobId, CancellationToken cancellationToken = default) =>
        _results.TryGetValue(jobId, out var result)
            ? Task.FromResult(result)
            : throw new ImageGenerationException(ImageGenerationErrorKind.ModelNotFound, $"The simulator has no job '{jobId}'.") { Provider = Name };

    public async IAsyncEnumerable<ImageGenerationUpdate> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var result = await WaitForCompletionAsync(jobId, cancellationToken);
        yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Completed, Provider = Name, JobId = jobId, Progress = 1, Result = result };
    }

    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
        await WaitForCompletionAsync((await StartAsync(request, cancellationToken)).Id, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    private async Task DeliverLaterAsync(Uri target, string predictionId)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var delivery = ReplicateStyleWebhook.Create(JobsAndWebhooksApp.OfflineSigningSecret, "msg_" + Guid.NewGuid().ToString("N"), predictionId, "succeeded", DateTimeOffset.UtcNow);
            using var response = await httpClients.CreateClient(Name).PostAsync(target, delivery.ToContent());
            logger.LogInformation("Simulator delivered the webhook for {Id}: HTTP {Status}.", predictionId, (int)response.StatusCode);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Simulator could not deliver the webhook for {Id}: {Error}", predictionId, ex.Message);
        }
    }
}
