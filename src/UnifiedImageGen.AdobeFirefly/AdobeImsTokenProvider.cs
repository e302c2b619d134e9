using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>
/// Server-to-server OAuth against Adobe IMS (client credentials). The token is cached until five minutes before it
/// expires; when it must be renewed, concurrent callers share one request.
/// </summary>
public sealed class AdobeImsTokenProvider
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly HttpClient _httpClient;
    private readonly AdobeFireflyImageGeneratorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SecretRedactor _redactor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    /// <summary>Creates the provider.</summary>
    /// <param name="httpClient">The client to call IMS with.</param>
    /// <param name="options">The client id (<see cref="ImageGeneratorOptionsBase.ApiKey"/>), secret, scopes and IMS endpoint.</param>
    /// <param name="timeProvider">The clock for expiry.</param>
    public AdobeImsTokenProvider(HttpClient httpClient, AdobeFireflyImageGeneratorOptions options, TimeProvider? timeProvider = null)
        : this(httpClient, options, timeProvider, null)
    {
    }

    // redactor: the generator's, which learns every token issued so that an echo of it in a Firefly error is redacted.
    internal AdobeImsTokenProvider(HttpClient httpClient, AdobeFireflyImageGeneratorOptions options, TimeProvider? timeProvider, SecretRedactor? redactor)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _redactor = redactor ?? new SecretRedactor(options.ApiKey, options.ClientSecret);
    }

    /// <summary>Returns a valid access token, from the cache or from IMS.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ImageGenerationException">IMS refused the credentials (Authentication) or failed.</exception>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_current is { } fresh && _timeProvider.GetUtcNow() < fresh.RenewAt)
        {
            return fresh.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } again && _timeProvider.GetUtcNow() < again.RenewAt)
            {
                return again.Token;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, _options.ImsTokenEndpoint)
            {
                Content = new FormUrlEncodedContent(
                [
                    new("grant_type", "client_credentials"),
                    new("client_id", _options.ApiKey ?? ""),
                    new("client_secret", _options.ClientSecret ?? ""),
                    new("scope", _options.Scopes),
                ]),
            };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var mapper = new ProviderErrorMapper("adobe-ims", _redactor, _timeProvider);
            using var response = await _httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await mapper.CreateExceptionAsync(response, null, cancellationToken).ConfigureAwait(false);
                throw new ImageGenerationException(error.StatusCode is 400 or 401 ? ImageGenerationErrorKind.Authentication : error.Kind, "Adobe IMS refused to issue a token: " + error.Message) { Provider = AdobeFireflyImageGenerator.ProviderName, StatusCode = error.StatusCode };
            }

            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var token = JsonSerializer.Deserialize(body, ImsJsonContext.Default.ImsToken);
            if (token?.AccessToken is not { Length: > 0 } value)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Adobe IMS answered without an access token.") { Provider = AdobeFireflyImageGenerator.ProviderName };
            }

            _redactor.Add(value);
            var lifetime = TimeSpan.FromSeconds(token.ExpiresIn ?? 3600);
            _current = (value, _timeProvider.GetUtcNow() + (lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2));
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }
}

internal sealed class ImsToken
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }
}

[JsonSerializable(typeof(ImsToken))]
internal sealed partial class ImsJsonContext : JsonSerializerContext;
