using Sample04;

namespace UnifiedImageGen.Samples.Tests;

public sealed class Sample04JobsAndWebhooksTests
{
    [Fact]
    public async Task SelfTest_SignedWebhookOnce_ReplayIgnored_BadSignaturesRejected_ImageServed()
    {
        var output = new StringWriter();

        int exitCode = await JobsAndWebhooksApp.RunAsync(["--self-test"], output);

        string text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.Contains("LOCAL SIMULATOR", text);
        Assert.Contains("PASS  signed webhook accepted: HTTP 200, processed", text);
        Assert.Contains("PASS  retried delivery ignored: HTTP 200, duplicate", text);
        Assert.Contains("PASS  badly signed Replicate webhook rejected: HTTP 401", text);
        Assert.Contains("PASS  badly signed fal webhook rejected: HTTP 401", text);
        Assert.Contains("deliveries processed: 1", text);
        Assert.Contains("image/png", text);
        Assert.DoesNotContain("FAIL", text);
        Assert.Contains("Self-test passed.", text);
    }

    [Fact]
    public void OfflineSecret_SignsWhatReplicateWebhookVerifierAccepts()
    {
        var delivery = ReplicateStyleWebhook.Create(JobsAndWebhooksApp.OfflineSigningSecret, "msg_1", "sim-1", "succeeded", DateTimeOffset.UtcNow);
        var headers = Jobs.WebhookHeaders.From(new Dictionary<string, string>
        {
            ["webhook-id"] = delivery.WebhookId,
            ["webhook-timestamp"] = delivery.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = delivery.Signature,
        });

        var job = new Replicate.ReplicateWebhookVerifier(JobsAndWebhooksApp.OfflineSigningSecret).VerifyAndParse(delivery.Body, headers);

        Assert.Equal("sim-1", job.Id);
        Assert.Equal(ImageJobStatus.Succeeded, job.Status);
    }
}
