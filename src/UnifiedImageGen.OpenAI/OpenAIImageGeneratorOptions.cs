namespace UnifiedImageGen.OpenAI;

/// <summary>
/// Options of <see cref="OpenAIImageGenerator"/>; bind from <c>ImageGeneration:Providers:openai</c>. Point
/// <see cref="ImageGeneratorOptionsBase.Endpoint"/> at any OpenAI-compatible host; see <see cref="ForAzure"/> and
/// <see cref="ForCompatibleHost"/>.
/// </summary>
public sealed class OpenAIImageGeneratorOptions : ImageGeneratorOptionsBase
{
    /// <summary>The public OpenAI API base address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1/");

    private static readonly Uri XAIEndpoint = new("https://api.x.ai/v1/");

    /// <summary>Creates options for api.openai.com.</summary>
    public OpenAIImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
    }

    /// <summary>The <c>OpenAI-Organization</c> header, if any.</summary>
    public string? Organization { get; set; }

    /// <summary>The <c>OpenAI-Project</c> header, if any.</summary>
    public string? Project { get; set; }

    /// <summary>
    /// The header that carries the key: <c>Authorization</c> (sent as <c>Bearer {key}</c>, the default) or another name
    /// whose value is the bare key, such as Azure's <c>api-key</c>.
    /// </summary>
    /// <value><c>"Authorization"</c>.</value>
    public string ApiKeyHeaderName { get; set; } = "Authorization";

    /// <summary>An Azure OpenAI deployment: requests go to <c>openai/deployments/{name}/images/...</c> under <see cref="ImageGeneratorOptionsBase.Endpoint"/>.</summary>
    public string? DeploymentName { get; set; }

    /// <summary>Sent as the <c>api-version</c> query parameter when set (Azure OpenAI).</summary>
    public string? ApiVersion { get; set; }

    /// <summary>The end-user id sent as <c>user</c> when a request has no <see cref="ImageGenerationRequest.User"/>.</summary>
    public string? User { get; set; }

    /// <summary>
    /// The fields an OpenAI-compatible host takes, for models that are not OpenAI's own (every field by default);
    /// <see cref="ForXAI"/> and <see cref="ForCompatibleHost"/> with <c>api.x.ai</c> set xAI's.
    /// </summary>
    public OpenAICompatibleHostProfile CompatibleHost { get; set; } = new();

    /// <summary>Prices used for <see cref="ImageGenerationResult.Cost"/>; extend or override per model.</summary>
    public OpenAIPriceTable Prices { get; } = new();

    /// <inheritdoc/>
    protected override bool RequiresApiKey => !Endpoint.IsLoopback;

    /// <summary>Options for an Azure OpenAI deployment.</summary>
    /// <param name="resourceEndpoint">The resource address, such as <c>https://contoso.openai.azure.com/</c>.</param>
    /// <param name="deploymentName">The deployment of a GPT image or DALL-E model.</param>
    /// <param name="apiKey">The resource key, sent as <c>api-key</c>.</param>
    /// <param name="apiVersion">The API version.</param>
    /// <param name="model">
    /// The model the deployment serves (decides which fields are sent). Pass your deployment's model: the default is
    /// <c>gpt-image-2</c>, the newest GPT image model, because the older ids are retired on api.openai.com (PROVIDERS.md 13.1)
    /// and Azure's own schedule for them could not be confirmed.
    /// </param>
    public static OpenAIImageGeneratorOptions ForAzure(Uri resourceEndpoint, string deploymentName, string apiKey, string apiVersion = "2025-04-01-preview", string model = OpenAIModels.GptImage2) => new()
    {
        Endpoint = resourceEndpoint,
        DeploymentName = deploymentName,
        ApiKey = apiKey,
        ApiKeyHeaderName = "api-key",
        ApiVersion = apiVersion,
        DefaultModel = model,
    };

    /// <summary>Options for an OpenAI-compatible host such as xAI (<c>https://api.x.ai/v1/</c>), Together or LocalAI.</summary>
    /// <param name="endpoint">The host's base address, ending in <c>/v1/</c>.</param>
    /// <param name="apiKey">The host's key (sent as a bearer token), or null for a local server.</param>
    /// <param name="model">The model id on that host, such as <c>grok-imagine-image</c>.</param>
    /// <remarks>An endpoint on <c>api.x.ai</c> gets <see cref="OpenAICompatibleHostProfile.XAI"/>; other hosts are sent every field.</remarks>
    public static OpenAIImageGeneratorOptions ForCompatibleHost(Uri endpoint, string? apiKey, string model)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new()
        {
            Endpoint = endpoint,
            ApiKey = apiKey,
            DefaultModel = model,
            CompatibleHost = endpoint.IsAbsoluteUri && endpoint.Host.Equals(XAIEndpoint.Host, StringComparison.OrdinalIgnoreCase) ? OpenAICompatibleHostProfile.XAI() : new(),
        };
    }

    /// <summary>Options for xAI's image API (<c>https://api.x.ai/v1/</c>) with its field rules (<see cref="OpenAICompatibleHostProfile.XAI"/>).</summary>
    /// <param name="apiKey">The xAI key (sent as a bearer token).</param>
    /// <param name="model">The model, <c>grok-imagine-image</c> by default (PROVIDERS.md 8.3).</param>
    public static OpenAIImageGeneratorOptions ForXAI(string apiKey, string model = "grok-imagine-image") => ForCompatibleHost(XAIEndpoint, apiKey, model);

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (string.IsNullOrWhiteSpace(ApiKeyHeaderName))
        {
            yield return $"{configurationPath}:ApiKeyHeaderName must not be empty.";
        }

        foreach (var ratio in CompatibleHost.AspectRatios.Where(r => !AspectRatio.TryParse(r, null, out _)))
        {
            yield return $"{configurationPath}:CompatibleHost:AspectRatios has '{ratio}', which is not a ratio such as 16:9.";
        }
    }
}
