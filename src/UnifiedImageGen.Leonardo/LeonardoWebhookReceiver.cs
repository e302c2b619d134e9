using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using UnifiedImageGen.Jobs;

namespace UnifiedImageGen.Leonardo;

/// <summary>
/// Receives Leonardo's generation webhooks. Leonardo does not sign deliveries; it sends the callback API key you set in
/// its dashboard as <c>Authorization: Bearer {key}</c>, which this receiver compares in constant time before it parses
/// the body into an <see cref="ImageJob"/> (with the image URLs to download). Deliveries may repeat: handle each
/// generation id once.
/// </summary>
public sealed class LeonardoWebhookReceiver
{
    private readonly byte[] _expected;

    /// <summary>Creates a receiver.</summary>
    /// <param name="callbackApiKey">The callback API key configured for the production API key in Leonardo's dashboard.</param>
    public LeonardoWebhookReceiver(string callbackApiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callbackApiKey);
        _expected = Encoding.UTF8.GetBytes("Bearer " + callbackApiKey);
    }

    /// <summary>Checks the token and returns the job the delivery reports.</summary>
    /// <param name="body">The raw request body.</param>
    /// <param name="headers">The request headers.</param>
    /// <exception cref="WebhookVerificationException">The token is missing or wrong, or the body is no generation.</exception>
    public ImageJob VerifyAndParse(ReadOnlySpan<byte> body, WebhookHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        byte[] given = Encoding.UTF8.GetBytes(headers.Require("Authorization"));
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            throw new WebhookVerificationException("The Leonardo webhook's bearer token does not match the callback API key.");
        }

        WebhookDelivery? delivery;
        try
        {
            delivery = JsonSerializer.Deserialize(body, LeonardoJsonContext.Default.WebhookDelivery);
        }
        catch (JsonException ex)
        {
            throw new WebhookVerificationException("The webhook body is not a Leonardo delivery.", ex);
        }

        var generation = delivery?.Data?.Object ?? throw new WebhookVerificationException("The Leonardo delivery carries no generation.");
        generation.Status ??= delivery.Type == "image_generation.complete" ? "COMPLETE" : "PENDING";
        return LeonardoImageGenerator.ToJob(generation);
    }
}
