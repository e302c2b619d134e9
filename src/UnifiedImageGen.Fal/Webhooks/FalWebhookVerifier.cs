using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using UnifiedImageGen.Fal.Webhooks;
using UnifiedImageGen.Fal.Wire;
using UnifiedImageGen.Jobs;

namespace UnifiedImageGen.Fal;

/// <summary>
/// Verifies fal webhook deliveries (PROVIDERS.md 4.3) and parses them into an <see cref="ImageJob"/>: the timestamp must
/// be within the tolerance, and <c>X-Fal-Webhook-Signature</c> (hex) must be an Ed25519 signature, by any key of fal's
/// JWKS, of <c>request_id \n user_id \n timestamp \n hex(sha256(body))</c>. fal retries deliveries, so handle each
/// request id once. fal signs the deliveries of every account with the same keys, so a delivery is accepted only when
/// its <c>X-Fal-Webhook-User-Id</c> is the expected user id: a delivery correctly signed for another fal account is refused.
/// </summary>
public sealed class FalWebhookVerifier
{
    private readonly IFalWebhookKeys _keys;
    private readonly string _expectedUserId;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    /// <param name="keys">fal's public keys (<see cref="FalJwksKeys"/> fetches and caches them).</param>
    /// <param name="expectedUserId">Your fal user id, the value fal sends in <c>X-Fal-Webhook-User-Id</c> on your deliveries (the account that owns the key the jobs were submitted with).</param>
    /// <param name="timeProvider">The clock timestamps are checked against.</param>
    /// <exception cref="ArgumentException"><paramref name="expectedUserId"/> is null, empty or white space.</exception>
    public FalWebhookVerifier(IFalWebhookKeys keys, string expectedUserId, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedUserId);
        _keys = keys;
        _expectedUserId = expectedUserId.Trim();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The fal user id a delivery must be addressed to.</summary>
    public string ExpectedUserId => _expectedUserId;

    /// <summary>How far a delivery's timestamp may be from now.</summary>
    /// <value>5 minutes.</value>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks a delivery and returns the job it reports; a succeeded job carries the output to fetch images from.</summary>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="headers">The request headers.</param>
    /// <param name="cancellationToken">Cancels fetching keys.</param>
    /// <exception cref="WebhookVerificationException">A header is missing, the timestamp is outside the tolerance, the delivery is for another fal user, or no key verifies the signature.</exception>
    /// <exception cref="ImageGenerationException">fal's keys could not be fetched (see <see cref="FalJwksKeys"/>); the delivery may be authentic, so answer with a retryable status.</exception>
    public async Task<ImageJob> VerifyAndParseAsync(ReadOnlyMemory<byte> body, WebhookHeaders headers, CancellationToken cancellationToken = default)
    {
        await VerifyAsync(body, headers, cancellationToken).ConfigureAwait(false);
        WebhookDelivery? delivery;
        try
        {
            delivery = JsonSerializer.Deserialize(body.Span, FalJsonContext.Default.WebhookDelivery);
        }
        catch (JsonException ex)
        {
            throw new WebhookVerificationException("The webhook body is not a fal delivery.", ex);
        }

        if (delivery?.RequestId is not { } requestId)
        {
            throw new WebhookVerificationException("The fal delivery has no request_id.");
        }

        bool ok = delivery.Status == "OK";
        FluxOutput? output = ok && delivery.Payload is { ValueKind: JsonValueKind.Object } payload ? payload.Deserialize(FalJsonContext.Default.FluxOutput) : null;
        return new ImageJob
        {
            Provider = FalImageGenerator.ProviderName,
            Id = requestId,
            Status = ok ? ImageJobStatus.Succeeded : ImageJobStatus.Failed,
            Progress = ok ? 1 : null,
            Error = ok ? null : FalErrorMapper.ModelFailure(delivery.Error ?? delivery.PayloadError ?? delivery.Payload?.ToString(), null, null, requestId),
            OutputUris = output is null ? [] : FalImageGenerator.Urls(output),
            RawRepresentation = output,
        };
    }

    /// <summary>Checks a delivery's signature and timestamp.</summary>
    /// <param name="body">The raw request body.</param>
    /// <param name="headers">The request headers.</param>
    /// <param name="cancellationToken">Cancels fetching keys.</param>
    /// <exception cref="WebhookVerificationException">The delivery is not authentic, not fresh, or for another fal user.</exception>
    /// <exception cref="ImageGenerationException">fal's keys could not be fetched (see <see cref="FalJwksKeys"/>); the delivery may be authentic, so answer with a retryable status.</exception>
    public async Task VerifyAsync(ReadOnlyMemory<byte> body, WebhookHeaders headers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string requestId = headers.Require("X-Fal-Webhook-Request-Id");
        string userId = headers.Require("X-Fal-Webhook-User-Id");
        string timestamp = headers.RequireFreshUnixTimestamp("X-Fal-Webhook-Timestamp", _timeProvider, Tolerance);
        string signatureHex = headers.Require("X-Fal-Webhook-Signature");

        // The signature only proves fal sent it, for some account: the user id says for which.
        if (!string.Equals(userId, _expectedUserId, StringComparison.Ordinal))
        {
            throw new WebhookVerificationException("The fal delivery is addressed to another fal user (X-Fal-Webhook-User-Id is not the expected user id): it was signed for another account.");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromHexString(signatureHex);
        }
        catch (FormatException ex)
        {
            throw new WebhookVerificationException("X-Fal-Webhook-Signature is not hex.", ex);
        }

        string bodyHash = Convert.ToHexString(SHA256.HashData(body.Span)).ToLowerInvariant();
        byte[] message = Encoding.UTF8.GetBytes($"{requestId}\n{userId}\n{timestamp}\n{bodyHash}");
        var keys = await _keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        if (VerifiedByAny(keys, message, signature))
        {
            return;
        }

        // fal rotates its keys: a signature by a key newer than the cached set gets one (rate-limited) refetch (PROVIDERS.md 13.6).
        var refreshed = await _keys.RefreshKeysAsync(cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(refreshed, keys) && VerifiedByAny(refreshed, message, signature))
        {
            return;
        }

        throw new WebhookVerificationException("No fal webhook key verifies the signature: the body, request id, user id or timestamp was changed, or the key is unknown.");
    }

    private static bool VerifiedByAny(IReadOnlyList<byte[]> keys, byte[] message, byte[] signature) => keys.Any(key => Ed25519.Verify(key, message, signature));
}
