using System.Buffers.Text;
using System.Text.Json;
using UnifiedImageGen.Fal.Wire;

namespace UnifiedImageGen.Fal;

/// <summary>Supplies the Ed25519 public keys fal signs webhooks with.</summary>
public interface IFalWebhookKeys
{
    /// <summary>Returns the current keys (32 bytes each).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IReadOnlyList<byte[]>> GetKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called when no current key verifies a signature, since fal rotates its keys: a source that fetches keys fetches
    /// them again (rate-limited) and returns the new set. The default returns <see cref="GetKeysAsync"/>'s keys.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IReadOnlyList<byte[]>> RefreshKeysAsync(CancellationToken cancellationToken = default) => GetKeysAsync(cancellationToken);
}

/// <summary>
/// Fetches fal's JWKS (<c>https://rest.alpha.fal.ai/.well-known/jwks.json</c>) and keeps it for
/// <see cref="CacheDuration"/> (24 hours by default, fal's stated maximum); concurrent callers share one fetch. When no
/// cached key verifies a delivery the set is fetched again, at most once per <see cref="MinRefreshInterval"/>, so a flood
/// of forged signatures cannot turn into a flood of fetches.
/// </summary>
public sealed class FalJwksKeys : IFalWebhookKeys
{
    /// <summary>Where fal publishes its webhook keys.</summary>
    public static readonly Uri DefaultJwksUri = new("https://rest.alpha.fal.ai/.well-known/jwks.json");

    private readonly HttpClient _httpClient;
    private readonly Uri _jwksUri;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (IReadOnlyList<byte[]> Keys, DateTimeOffset FetchedAt)? _cached;

    /// <summary>Creates the fetcher.</summary>
    /// <param name="httpClient">The client to fetch with.</param>
    /// <param name="jwksUri">The JWKS address; fal's by default.</param>
    /// <param name="timeProvider">The clock for the cache.</param>
    public FalJwksKeys(HttpClient httpClient, Uri? jwksUri = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
        _jwksUri = jwksUri ?? DefaultJwksUri;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How long fetched keys are used before fetching again.</summary>
    /// <value>24 hours.</value>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The shortest time between two fetches forced by <see cref="RefreshKeysAsync"/>.</summary>
    /// <value>5 minutes.</value>
    public TimeSpan MinRefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<byte[]>> GetKeysAsync(CancellationToken cancellationToken = default) =>
        _cached is { } fresh && _timeProvider.GetUtcNow() - fresh.FetchedAt < CacheDuration
            ? ValueTask.FromResult(fresh.Keys)
            : FetchAsync(CacheDuration, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<byte[]>> RefreshKeysAsync(CancellationToken cancellationToken = default) => FetchAsync(MinRefreshInterval, cancellationToken);

    // Fetches unless the keys are younger than maxAge (checked again under the gate, so concurrent callers share one fetch).
    private async ValueTask<IReadOnlyList<byte[]>> FetchAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && _timeProvider.GetUtcNow() - again.FetchedAt < maxAge)
            {
                return again.Keys;
            }

            var keys = Parse(await DownloadAsync(cancellationToken).ConfigureAwait(false), _jwksUri);
            _cached = (keys, _timeProvider.GetUtcNow());
            return keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    // A failed fetch is fal's failure, not a forged delivery: it surfaces as a typed, retryable ImageGenerationException
    // (the caller answers fal with a status it retries), never as a raw HttpRequestException or TaskCanceledException.
    private async Task<byte[]> DownloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _httpClient.GetByteArrayAsync(_jwksUri, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var kind = ex.StatusCode is { } status ? ImageGenerationException.KindFromStatusCode((int)status) : ImageGenerationErrorKind.ProviderUnavailable;
            kind = kind is ImageGenerationErrorKind.Timeout or ImageGenerationErrorKind.RateLimited ? kind : ImageGenerationErrorKind.ProviderUnavailable;
            throw new ImageGenerationException(kind, $"fal's webhook keys could not be fetched from {_jwksUri.GetLeftPart(UriPartial.Path)} ({(ex.StatusCode is { } code ? "HTTP " + (int)code : ex.HttpRequestError.ToString())}); the delivery cannot be verified now, so let fal retry it.")
            {
                Provider = FalImageGenerator.ProviderName,
                StatusCode = (int?)ex.StatusCode,
                IsTransient = true,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"Fetching fal's webhook keys from {_jwksUri.GetLeftPart(UriPartial.Path)} timed out; the delivery cannot be verified now, so let fal retry it.")
            {
                Provider = FalImageGenerator.ProviderName,
            };
        }
    }

    private static IReadOnlyList<byte[]> Parse(ReadOnlySpan<byte> jwks, Uri source)
    {
        try
        {
            return Parse(jwks);
        }
        catch (JsonException)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The document at {source.GetLeftPart(UriPartial.Path)} is not a JWKS, so fal's webhook keys are unknown.")
            {
                Provider = FalImageGenerator.ProviderName,
                IsTransient = true,
            };
        }
    }

    /// <summary>Reads the Ed25519 keys (<c>kty: OKP</c>, <c>crv: Ed25519</c>, base64url <c>x</c>) of a JWKS document; keys of other types or with an unreadable <c>x</c> are skipped.</summary>
    /// <param name="jwks">The JSON document.</param>
    /// <exception cref="JsonException">The document is not JSON of the JWKS shape.</exception>
    public static IReadOnlyList<byte[]> Parse(ReadOnlySpan<byte> jwks)
    {
        var set = JsonSerializer.Deserialize(jwks, FalJsonContext.Default.JsonWebKeySet);
        var keys = new List<byte[]>();
        foreach (var key in set?.Keys ?? [])
        {
            if (key is { KeyType: "OKP", Curve: "Ed25519", X: { } x })
            {
                if (Base64UrlDecode(x) is { Length: 32 } bytes)
                {
                    keys.Add(bytes);
                }
            }
        }

        return keys;
    }

    private static byte[]? Base64UrlDecode(string text)
    {
        string padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        byte[] bytes = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, bytes, out int length) ? bytes[..length] : null;
    }
}

/// <summary>A fixed set of keys, for tests and for hosts that distribute fal's keys themselves.</summary>
/// <param name="keys">The 32-byte Ed25519 public keys.</param>
public sealed class StaticFalWebhookKeys(params IReadOnlyList<byte[]> keys) : IFalWebhookKeys
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<byte[]>> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(keys);
}
