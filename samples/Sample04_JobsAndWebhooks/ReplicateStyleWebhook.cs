using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sample04;

/// <summary>
/// Builds a webhook delivery the way Replicate sends one (Standard Webhooks: HMAC-SHA256 with the <c>whsec_</c>
/// secret over <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>). Only the offline simulator and the self-test use
/// it: they play Replicate's part, with a secret the sample knows. Real deliveries come from Replicate.
/// </summary>
internal sealed record ReplicateStyleWebhook(string WebhookId, long Timestamp, byte[] Body, string Signature)
{
    /// <summary>A signed delivery reporting prediction <paramref name="predictionId"/> as <paramref name="status"/>.</summary>
    public static ReplicateStyleWebhook Create(string signingSecret, string webhookId, string predictionId, string status, DateTimeOffset now)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["id"] = predictionId,
            ["model"] = "local/simulator",
            ["status"] = status,
            ["output"] = null, // the receiver fetches the image through the job generator, not from the body
            ["created_at"] = now.AddSeconds(-2).ToString("O", CultureInfo.InvariantCulture),
            ["completed_at"] = now.ToString("O", CultureInfo.InvariantCulture),
        });
        long timestamp = now.ToUnixTimeSeconds();
        return new ReplicateStyleWebhook(webhookId, timestamp, body, Sign(signingSecret, webhookId, timestamp, body));
    }

    /// <summary>The <c>webhook-signature</c> header value: <c>v1,{base64 HMAC}</c>.</summary>
    public static string Sign(string signingSecret, string webhookId, long timestamp, byte[] body)
    {
        byte[] key = Convert.FromBase64String(signingSecret["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(CultureInfo.InvariantCulture)}."), .. body];
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The delivery as an HTTP request body with its three headers.</summary>
    public HttpContent ToContent()
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new("application/json");
        content.Headers.Add("webhook-id", WebhookId);
        content.Headers.Add("webhook-timestamp", Timestamp.ToString(CultureInfo.InvariantCulture));
        content.Headers.Add("webhook-signature", Signature);
        return content;
    }
}
