using UnifiedImageGen.Http;

namespace UnifiedImageGen;

/// <summary>
/// What every provider's options have: the key, the endpoint, the default model, and what to do with unsupported
/// settings. Binds from configuration (<c>ImageGeneration:Providers:{name}</c>). The key never appears in
/// <see cref="ToString"/>.
/// </summary>
public abstract class ImageGeneratorOptionsBase
{
    /// <summary>Creates options with the provider's base address.</summary>
    /// <param name="defaultEndpoint">The provider's public base address.</param>
    protected ImageGeneratorOptionsBase(Uri defaultEndpoint)
    {
        ArgumentNullException.ThrowIfNull(defaultEndpoint);
        Endpoint = defaultEndpoint;
    }

    /// <summary>The API key. Never logged or put in exception messages.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The base address; the provider's public API by default. Point it at a proxy, a regional host or a compatible server.</summary>
    public Uri Endpoint { get; set; }

    /// <summary>The model used when a request names none; the provider's newest general model when null.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>What to do with a setting the model lacks.</summary>
    /// <value><see cref="UnifiedImageGen.UnsupportedSettingBehavior.Warn"/>.</value>
    public UnsupportedSettingBehavior UnsupportedSettingBehavior { get; set; } = UnsupportedSettingBehavior.Warn;

    /// <summary>Limits for downloading images the provider answers with as URLs.</summary>
    public ImageDownloadOptions Download { get; } = new();

    /// <summary>Whether the provider needs <see cref="ApiKey"/>; false for self-hosted servers and the offline provider.</summary>
    protected virtual bool RequiresApiKey => true;

    /// <summary>Checks the options and returns what is wrong, each message naming its configuration key.</summary>
    /// <param name="configurationPath">Where the options bind from, such as <c>"ImageGeneration:Providers:openai"</c>.</param>
    public virtual IEnumerable<string> Validate(string configurationPath)
    {
        if (RequiresApiKey && string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return $"{configurationPath}:ApiKey is required: set it in configuration (or an environment variable such as {configurationPath.Replace(":", "__", StringComparison.Ordinal)}__ApiKey) or in code.";
        }

        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttps && Endpoint.Scheme != Uri.UriSchemeHttp))
        {
            yield return $"{configurationPath}:Endpoint must be an absolute http or https URL.";
        }

        if (Download.MaxBytes < 1 || Download.Timeout <= TimeSpan.Zero)
        {
            yield return $"{configurationPath}:Download:MaxBytes and Download:Timeout must be positive.";
        }

        // The value is not repeated: a proxy URL can carry a password.
        if (Download.Proxy is { } proxy && (!proxy.IsAbsoluteUri || proxy.Scheme is not ("http" or "https" or "socks4" or "socks4a" or "socks5")))
        {
            yield return $"{configurationPath}:Download:Proxy must be an absolute http, https or socks URL.";
        }
    }

    /// <summary>Throws when <see cref="Validate"/> finds problems; providers call it in their constructors.</summary>
    /// <param name="typeName">The options' name, for the message.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public void ThrowIfInvalid(string typeName)
    {
        var problems = Validate(typeName).ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), "options");
        }
    }

    /// <summary>Describes the options without the key.</summary>
    public override string ToString() =>
        $"{GetType().Name} {{ Endpoint = {Endpoint}, DefaultModel = {DefaultModel ?? "(provider default)"}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : SecretRedactor.Mask)} }}";
}
