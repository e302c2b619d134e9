using System.Collections.Concurrent;
using UnifiedImageGen;

namespace Sample04;

/// <summary>One job as the app tracks it. Mutable; every change happens under a lock on the record.</summary>
internal sealed class JobRecord(string id, string source, string providerJobId, string providerRequestId)
{
    public string Id { get; } = id;

    /// <summary>Which job generator started it: "replicate", "fal" or "simulator".</summary>
    public string Source { get; } = source;

    /// <summary>The id to pass back to the job generator (for fal, the queue's response URL).</summary>
    public string ProviderJobId { get; } = providerJobId;

    /// <summary>The id webhooks name (Replicate's prediction id, fal's request_id).</summary>
    public string ProviderRequestId { get; } = providerRequestId;

    public ImageJobStatus Status { get; set; } = ImageJobStatus.Queued;

    public double? Progress { get; set; }

    public string? Error { get; set; }

    public byte[]? Image { get; set; }

    public string? MediaType { get; set; }

    public decimal? CostUsd { get; set; }

    public int DeliveriesProcessed { get; set; }

    /// <summary>The webhook endpoint that may report on this job (the simulator speaks Replicate's format).</summary>
    public string WebhookSource => Source == "fal" ? "fal" : "replicate";

    public bool IsTerminal => Status is ImageJobStatus.Succeeded or ImageJobStatus.Failed or ImageJobStatus.Canceled;

    public JobView ToView()
    {
        lock (this)
        {
            return new JobView(Id, Source, ProviderJobId, Status.ToString(), Progress, Error, DeliveriesProcessed, Image is null ? null : $"/jobs/{Id}/image", CostUsd);
        }
    }
}

/// <summary>What GET /jobs/{id} answers.</summary>
internal sealed record JobView(string Id, string Source, string ProviderJobId, string Status, double? Progress, string? Error, int DeliveriesProcessed, string? ImageUrl, decimal? CostUsd);

/// <summary>
/// Jobs and webhook deliveries, in memory. A real app keeps both in a database: the job ids so a restart can resume
/// them (a job id is a plain string), the delivery ids so a retried delivery is recognised after a restart too.
/// </summary>
internal sealed class JobStore
{
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JobRecord> _byRequestId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _deliveries = new(StringComparer.Ordinal); // value: finished?

    public JobRecord Add(string source, ImageJob job)
    {
        var record = new JobRecord(Guid.NewGuid().ToString("N")[..12], source, job.Id, RequestIdOf(job.Id)) { Status = job.Status, Progress = job.Progress };
        _jobs[record.Id] = record;
        _byRequestId[record.ProviderRequestId] = record;
        return record;
    }

    public JobRecord? Get(string id) => _jobs.GetValueOrDefault(id);

    public JobRecord? FindByRequestId(string requestId) => _byRequestId.GetValueOrDefault(requestId);

    /// <summary>Claims a delivery so it is handled once, even when the provider sends it twice at the same time.</summary>
    public DeliveryClaim TryClaim(string deliveryKey) =>
        _deliveries.TryAdd(deliveryKey, false) ? DeliveryClaim.Claimed
        : _deliveries.TryGetValue(deliveryKey, out bool finished) && finished ? DeliveryClaim.AlreadyProcessed
        : DeliveryClaim.InProgress;

    public void MarkProcessed(string deliveryKey) => _deliveries[deliveryKey] = true;

    /// <summary>Forgets a claim whose handling failed, so the provider's retry is handled.</summary>
    public void Release(string deliveryKey) => _deliveries.TryRemove(deliveryKey, out _);

    // fal's job id is its queue response URL, ".../requests/{request_id}"; webhooks name only the request_id.
    private static string RequestIdOf(string jobId) =>
        Uri.TryCreate(jobId, UriKind.Absolute, out var uri) && uri.Segments.Length > 1 ? uri.Segments[^1].TrimEnd('/') : jobId;
}

internal enum DeliveryClaim
{
    Claimed,
    InProgress,
    AlreadyProcessed,
}
