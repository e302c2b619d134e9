namespace UnifiedImageGen.AdobeFirefly;

/// <summary>
/// Options of <see cref="AdobeFireflyImageGenerator"/>; bind from <c>ImageGeneration:Providers:firefly</c>.
/// <see cref="ImageGeneratorOptionsBase.ApiKey"/> is the OAuth client id (also sent as <c>x-api-key</c>).
/// </summary>
public sealed class AdobeFireflyImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>The Firefly API host.</summary>
    public static readonly Uri DefaultEndpoint = new("https://firefly-api.adobe.io/");

    /// <summary>Creates options for firefly-api.adobe.io.</summary>
    public AdobeFireflyImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
        PollingInterval = TimeSpan.FromSeconds(2);
    }

    /// <summary>The OAuth server-to-server client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The Adobe IMS token endpoint.</summary>
    public Uri ImsTokenEndpoint { get; set; } = new("https://ims-na1.adobelogin.com/ims/token/v3");

    /// <summary>The scopes asked for.</summary>
    /// <value><c>openid,AdobeID,firefly_api,ff_apis</c>.</value>
    public string Scopes { get; set; } = "openid,AdobeID,firefly_api,ff_apis";

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem.Replace(":ApiKey is required", ":ApiKey (the OAuth client id) is required", StringComparison.Ordinal);
        }

        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            yield return $"{configurationPath}:ClientSecret is required (the OAuth server-to-server client secret from the Adobe Developer Console).";
        }
    }
}
