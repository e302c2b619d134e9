using UnifiedImageGen;

namespace Sample04;

/// <summary>
/// Applies a verified webhook delivery to its job, once. Called only after the signature checked out, so the job
/// state in it can be trusted; the image itself is fetched through the job generator (which downloads the output
/// URL, or decodes a data URI) rather than from a URL in the body.
/// </summary>
internal sealed class WebhookReceiver(JobStore store, IServiceProvider services, ILogger<WebhookReceiver> logger)
{
    /// <param name="source">The webhook endpoint: "replicate" or "fal".</param>
    /// <param name="deliveryId">The delivery's idempotency key: Replicate's webhook-id, fal's request id.</param>
    /// <param name="job">The verified, parsed job.</param>
    public async Task<IResult> HandleAsync(string source, string deliveryId, ImageJob job, CancellationToken cancellationToken)
    {
        string key = source + ":" + deliveryId;
        switch (store.TryClaim(key))
        {
            case DeliveryClaim.AlreadyProcessed:
                logger.LogInformation("Webhook delivery {Key} was already processed; ignoring the retry.", key);
                return Results.Ok(new WebhookAnswer("duplicate", null));
            case DeliveryClaim.InProgress:
                return Results.Conflict(new WebhookAnswer("in-progress", null)); // not 2xx: the provider tries again later
        }

        try
        {
            var record = store.FindByRequestId(job.Id);
            if (record is not null && record.WebhookSource != source)
            {
                store.Release(key);
                return Results.NotFound(new WebhookAnswer("unknown-job", null)); // a job of another provider: not this endpoint's to change
            }

            if (record is null)
            {
                // The delivery can beat StartAsync's answer; 503 makes the provider retry in a moment.
                store.Release(key);
                return Results.Json(new WebhookAnswer("unknown-job", null), statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (record.IsTerminal)
            {
                store.MarkProcessed(key);
                return Results.Ok(new WebhookAnswer("already-finished", record.Id));
            }

            if (job.Status == ImageJobStatus.Succeeded)
            {
                // For big images or slow storage, answer first and fetch from a background queue instead.
                var generator = services.GetRequiredKeyedService<IImageJobGenerator>(record.Source);
                try
                {
                    var result = await generator.WaitForCompletionAsync(record.ProviderJobId, cancellationToken);
                    lock (record)
                    {
                        record.Image = result.Image.Data.ToArray();
                        record.MediaType = result.Image.MediaType;
                        record.CostUsd = result.Cost?.Usd;
                        record.Progress = 1;
                        record.Status = ImageJobStatus.Succeeded;
                    }
                }
                catch (ImageGenerationException ex) when (!ex.IsTransient)
                {
                    // The outputs are gone or unusable: a final answer, so the delivery counts as processed.
                    lock (record)
                    {
                        record.Status = ImageJobStatus.Failed;
                        record.Error = $"{ex.Kind}: {ex.Message}";
                    }
                }
            }
            else
            {
                lock (record)
                {
                    record.Status = job.Status;
                    record.Progress = job.Progress ?? record.Progress;
                    record.Error = job.Error is { } error ? $"{error.Kind}: {error.Message}" : null;
                }
            }

            lock (record)
            {
                record.DeliveriesProcessed++;
            }

            store.MarkProcessed(key);
            logger.LogInformation("Job {Id} is {Status} (webhook from {Source}).", record.Id, record.Status, source);
            return Results.Ok(new WebhookAnswer("processed", record.Id));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            store.Release(key);
            // SDK messages are safe to log (keys redacted, no image bytes); other exceptions by type only.
            logger.LogError("Handling webhook delivery {Key} failed: {Error}", key, ex is ImageGenerationException sdk ? $"{sdk.Kind}: {sdk.Message}" : ex.GetType().Name);
            return Results.Json(new WebhookAnswer("error", null), statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}

/// <summary>What a webhook endpoint answers (the provider only looks at the status code).</summary>
internal sealed record WebhookAnswer(string Outcome, string? JobId);
