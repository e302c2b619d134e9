using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Sample04;

/// <summary>
/// Checks the webhook flow against the running app, offline, for CI: the self-test plays Replicate's part with the
/// sample's test secret. Each check prints PASS or FAIL; the exit code is 0 only when all pass.
/// </summary>
internal static class SelfTest
{
    public static async Task<int> RunAsync(Uri address, string signingSecret, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        int failures = 0;
        void Check(bool passed, string what)
        {
            output.WriteLine($"{(passed ? "PASS" : "FAIL")}  {what}");
            failures += passed ? 0 : 1;
        }

        // 1. Start a job (the local simulator, since the self-test is offline).
        using var started = await http.PostAsJsonAsync("/jobs", new StartJobRequest("a red fox in snow"), cancellationToken);
        var job = started.StatusCode == HttpStatusCode.Accepted ? await started.Content.ReadFromJsonAsync<JobView>(cancellationToken) : null;
        Check(job is not null, $"POST /jobs starts a job: HTTP {(int)started.StatusCode}{(job is null ? "" : $", job {job.Id}, {job.Status}")}");
        if (job is null)
        {
            return Finish(output, failures);
        }

        // 2. A correctly signed 'succeeded' delivery: processed, image stored.
        var delivery = ReplicateStyleWebhook.Create(signingSecret, "msg_selftest_1", job.ProviderJobId, "succeeded", DateTimeOffset.UtcNow);
        var (status, outcome) = await SendAsync(http, "/webhooks/replicate", delivery.ToContent(), cancellationToken);
        Check(status == HttpStatusCode.OK && outcome == "processed", $"signed webhook accepted: HTTP {(int)status}, {outcome}");

        // 3. The same delivery again (a provider retry): acknowledged, not processed twice.
        (status, outcome) = await SendAsync(http, "/webhooks/replicate", delivery.ToContent(), cancellationToken);
        Check(status == HttpStatusCode.OK && outcome == "duplicate", $"retried delivery ignored: HTTP {(int)status}, {outcome}");

        // 4. A forged delivery: another body under the first one's signature.
        var forged = ReplicateStyleWebhook.Create(signingSecret, "msg_selftest_2", job.ProviderJobId, "failed", DateTimeOffset.UtcNow) with { Signature = delivery.Signature };
        (status, _) = await SendAsync(http, "/webhooks/replicate", forged.ToContent(), cancellationToken);
        Check(status == HttpStatusCode.Unauthorized, $"badly signed Replicate webhook rejected: HTTP {(int)status}");

        // 5. A fal delivery with a signature no fal key made.
        using var falDelivery = new StringContent($$$"""{"request_id":"{{{job.Id}}}","status":"OK","payload":{"images":[]}}""", System.Text.Encoding.UTF8, "application/json");
        falDelivery.Headers.Add("X-Fal-Webhook-Request-Id", job.Id);
        falDelivery.Headers.Add("X-Fal-Webhook-User-Id", "self-test");
        falDelivery.Headers.Add("X-Fal-Webhook-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        falDelivery.Headers.Add("X-Fal-Webhook-Signature", new string('0', 128));
        (status, _) = await SendAsync(http, "/webhooks/fal", falDelivery, cancellationToken);
        Check(status == HttpStatusCode.Unauthorized, $"badly signed fal webhook rejected: HTTP {(int)status}");

        // 6. The job is finished, by exactly one delivery, and serves its image.
        var finished = await http.GetFromJsonAsync<JobView>($"/jobs/{job.Id}", cancellationToken);
        Check(finished is { Status: "Succeeded", DeliveriesProcessed: 1, ImageUrl: not null }, $"GET /jobs/{{id}}: {finished?.Status}, deliveries processed: {finished?.DeliveriesProcessed}");
        using var image = await http.GetAsync($"/jobs/{job.Id}/image", cancellationToken);
        byte[] bytes = await image.Content.ReadAsByteArrayAsync(cancellationToken);
        bool isPng = bytes.Length > 8 && bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        Check(image.StatusCode == HttpStatusCode.OK && image.Content.Headers.ContentType?.MediaType == "image/png" && isPng, $"GET /jobs/{{id}}/image: HTTP {(int)image.StatusCode}, {image.Content.Headers.ContentType?.MediaType}, {bytes.Length:N0} bytes");

        return Finish(output, failures);
    }

    private static int Finish(TextWriter output, int failures)
    {
        output.WriteLine(failures == 0 ? "Self-test passed." : $"Self-test FAILED: {failures} check(s) failed.");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(HttpStatusCode Status, string? Outcome)> SendAsync(HttpClient http, string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(path, content, cancellationToken);
        var answer = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<WebhookAnswer>(cancellationToken) : null;
        return (response.StatusCode, answer?.Outcome);
    }
}
