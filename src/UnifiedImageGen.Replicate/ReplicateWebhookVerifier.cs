using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using UnifiedImageGen.Http;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Replicate.Wire;

namespace UnifiedImageGen.Replicate;

/// <summary>
/// Verifies Replicate webhook deliveries (the Standard Webhooks scheme, PROVIDERS.md 3.4) and parses them into an
/// <see cref="ImageJob"/>: HMAC-SHA256 with the <c>whsec_</c> secret over <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>,
/// compared in constant time with every <c>v1,</c> signature of the header, and a timestamp within the tolerance.
/// Replicate retries deliveries, so handle each <c>webhook-id</c> once.
/// </summary>
public sealed class ReplicateWebhookVerifier
{
    /// <summary>The fewest key bytes a signing secret must decode to: an empty or short HMAC key lets anyone forge signatures.</summary>
    public const int MinKeyBytes = 16;

    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;
    private readonly SecretRedactor _redactor;

    /// <summary>Creates a verifier.</summary>
    /// <param name="signingSecret">The secret from <c>GET /v1/webhooks/default/secret</c>, <c>whsec_</c> and base64.</param>
    /// <param name="timeProvider">The clock timestamps are checked against.</param>
    /// <exception cref="ArgumentException">The secret is not <c>whsec_</c> followed by base64 of at least <see cref="MinKeyBytes"/> bytes.</exception>
    public ReplicateWebhookVerifier(string signingSecret, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signingSecret);
        string encoded = signingSecret.StartsWith("whsec_", StringComparison.Ordinal) ? signingSecret["whsec_".Length..] : signingSecret;
        try
        {
            _key = Convert.FromBase64String(encoded);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The Replicate signing secret must be 'whsec_' followed by base64.", nameof(signingSecret), ex);
        }

        if (_key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"The Replicate signing secret must decode to at least {MinKeyBytes} key bytes; it decodes to {_key.Length}. Use the secret from GET /v1/webhooks/default/secret.", nameof(signingSecret));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _redactor = new SecretRedactor(signingSecret, encoded);
    }

    /// <summary>How far a delivery's timestamp may be from now.</summary>
    /// <value>5 minutes.</value>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks a delivery and returns the job it reports.</summary>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="headers">The request headers.</param>
    /// <returns>The prediction as a job, with output URLs to download.</returns>
    /// <exception cref="WebhookVerificationException">A header is missing, the timestamp is outside the tolerance, the signature does not match, or the body is no prediction.</exception>
    public ImageJob VerifyAndParse(ReadOnlySpan<byte> body, WebhookHeaders headers)
    {
        Verify(body, headers);
        Prediction? prediction;
        try
        {
            prediction = JsonSerializer.Deserialize(body, ReplicateJsonContext.Default.Prediction);
        }
        catch (JsonException ex)
        {
            throw new WebhookVerificationException("The webhook body is not a Replicate prediction.", ex);
        }

        return ReplicateImageGenerator.ToJob(prediction ?? throw new WebhookVerificationException("The webhook body is empty."), _redactor);
    }

    /// <summary>Checks a delivery's signature and timestamp.</summary>
    /// <param name="body">The raw request body.</param>
    /// <param name="headers">The request headers.</param>
    /// <exception cref="WebhookVerificationException">The delivery is not authentic or not fresh.</exception>
    public void Verify(ReadOnlySpan<byte> body, WebhookHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string id = headers.Require("webhook-id");
        string timestamp = headers.RequireFreshUnixTimestamp("webhook-timestamp", _timeProvider, Tolerance);
        string signatures = headers.Require("webhook-signature");

        byte[] prefix = Encoding.UTF8.GetBytes(id + "." + timestamp + ".");
        byte[] signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        byte[] expected = HMACSHA256.HashData(_key, signed);

        bool match = false;
        Span<byte> candidate = stackalloc byte[64];
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1")
            {
                continue;
            }

            if (Convert.TryFromBase64String(entry[(comma + 1)..], candidate, out int length))
            {
                // Check every entry in constant time; no early exit on the first match.
                match |= CryptographicOperations.FixedTimeEquals(candidate[..length], expected);
            }
        }

        if (!match)
        {
            throw new WebhookVerificationException("The webhook signature does not match: the body, id or timestamp was changed, or the secret is wrong.");
        }
    }
}
