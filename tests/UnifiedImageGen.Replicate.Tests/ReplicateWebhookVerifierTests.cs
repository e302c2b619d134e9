using System.Text;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Replicate.Tests;

public class ReplicateWebhookVerifierTests
{
    // Vector computed outside the SDK with:
    //   printf '%s' "msg_p5jXN8AQM9LWM0D4loKWxJek.1764000000.$BODY" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p) -binary | base64
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1764000000";
    private const string Signature = "8mTxjB2V0zDrnOnPfeLXIyvaHRUfLdwsBnomylac13c=";
    private const string Body = """{"id":"ufawqhfynnddngldkgtslldrkq","model":"black-forest-labs/flux-schnell","status":"succeeded","output":["https://replicate.delivery/xezq/abc/out-0.webp"],"metrics":{"predict_time":0.61}}""";

    private static readonly ManualTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1764000000).AddSeconds(30));

    private static WebhookHeaders Headers(string id = Id, string timestamp = Timestamp, string signature = "v1," + Signature) =>
        WebhookHeaders.From(new Dictionary<string, string> { ["Webhook-Id"] = id, ["webhook-timestamp"] = timestamp, ["webhook-signature"] = signature });

    [Fact]
    public void ValidDelivery_IsVerifiedAndParsedIntoAJob()
    {
        var job = new ReplicateWebhookVerifier(Secret, Clock).VerifyAndParse(Encoding.UTF8.GetBytes(Body), Headers());
        Assert.Equal(("ufawqhfynnddngldkgtslldrkq", ImageJobStatus.Succeeded, "black-forest-labs/flux-schnell"), (job.Id, job.Status, job.Model));
        Assert.Equal("https://replicate.delivery/xezq/abc/out-0.webp", Assert.Single(job.OutputUris).ToString());
    }

    [Fact]
    public void AnyMatchingEntryOfASignatureList_IsAccepted()
    {
        var verifier = new ReplicateWebhookVerifier(Secret, Clock);
        verifier.Verify(Encoding.UTF8.GetBytes(Body), Headers(signature: "v1,AAAAbm90IGl0 v2,ignored v1," + Signature));
    }

    [Theory]
    [InlineData("body")]
    [InlineData("id")]
    [InlineData("timestamp")]
    [InlineData("signature")]
    [InlineData("key")]
    public void TamperedDeliveries_AreRejected(string tampered)
    {
        string body = tampered == "body" ? Body.Replace("0.61", "0.62", StringComparison.Ordinal) : Body;
        var headers = tampered switch
        {
            "id" => Headers(id: "msg_other"),
            "timestamp" => Headers(timestamp: "1764000001"),
            "signature" => Headers(signature: "v1," + Signature.Replace('8', '9')),
            _ => Headers(),
        };
        string secret = tampered == "key" ? "whsec_" + Convert.ToBase64String(new byte[24]) : Secret;
        var ex = Assert.Throws<WebhookVerificationException>(() => new ReplicateWebhookVerifier(secret, Clock).Verify(Encoding.UTF8.GetBytes(body), headers));
        Assert.Contains("signature does not match", ex.Message);
    }

    [Fact]
    public void StaleOrFutureTimestamps_AreRejected()
    {
        var late = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1764000000).AddMinutes(6));
        var ex = Assert.Throws<WebhookVerificationException>(() => new ReplicateWebhookVerifier(Secret, late).Verify(Encoding.UTF8.GetBytes(Body), Headers()));
        Assert.Contains("tolerance is 300 s", ex.Message);
        var early = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1764000000).AddMinutes(-6));
        Assert.Throws<WebhookVerificationException>(() => new ReplicateWebhookVerifier(Secret, early).Verify(Encoding.UTF8.GetBytes(Body), Headers()));
    }

    [Fact]
    public void MissingHeaders_AreRejectedNamingTheHeader()
    {
        var ex = Assert.Throws<WebhookVerificationException>(() => new ReplicateWebhookVerifier(Secret, Clock).Verify(Encoding.UTF8.GetBytes(Body), new WebhookHeaders(_ => null)));
        Assert.Contains("'webhook-id'", ex.Message);
    }
}
