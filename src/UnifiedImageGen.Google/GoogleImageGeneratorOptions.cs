namespace UnifiedImageGen.Google;

/// <summary>
/// Options of <see cref="GoogleImageGenerator"/>; bind from <c>ImageGeneration:Providers:google</c>. With an API key,
/// requests go to the Gemini API; with <see cref="VertexProject"/> and an <see cref="AccessTokenProvider"/>, to Vertex AI.
/// </summary>
public sealed class GoogleImageGeneratorOptions : ImageGeneratorOptionsBase
{
    /// <summary>The Gemini API host.</summary>
    public static readonly Uri DefaultEndpoint = new("https://generativelanguage.googleapis.com/");

    /// <summary>Creates options for the Gemini API.</summary>
    public GoogleImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
    }

    /// <summary>The Google Cloud project; setting it sends every request to Vertex AI (bearer token, not API key).</summary>
    public string? VertexProject { get; set; }

    /// <summary>The Vertex AI location for Gemini models (<c>generateContent</c>), such as <c>us-central1</c>, or <c>global</c>.</summary>
    /// <value><c>"global"</c>.</value>
    public string VertexLocation { get; set; } = "global";

    /// <summary>
    /// The regional Vertex AI location for Imagen (<c>:predict</c>) while <see cref="VertexLocation"/> is <c>global</c>:
    /// Imagen is not served at <c>global</c>. A regional <see cref="VertexLocation"/> is used for Imagen as it is.
    /// </summary>
    /// <value><c>"us-central1"</c>.</value>
    public string VertexImagenLocation { get; set; } = "us-central1";

    /// <summary>Supplies OAuth2 access tokens for Vertex AI (a service account or application default credentials). Not bound from configuration.</summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// Allows Imagen models on the Gemini API. Google retired them there in 2026 (they answer 404 since); leave this off
    /// unless your project still has access. Imagen on Vertex AI needs no flag.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool AllowGeminiApiImagen { get; set; }

    /// <summary>Whether requests go to Vertex AI.</summary>
    public bool UsesVertex => VertexProject is not null;

    /// <inheritdoc/>
    protected override bool RequiresApiKey => !UsesVertex;

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (UsesVertex && AccessTokenProvider is null)
        {
            yield return $"{configurationPath}:VertexProject is set, so an AccessTokenProvider is required (set it in code: Vertex AI takes OAuth2 tokens, not API keys).";
        }

        if (string.IsNullOrWhiteSpace(VertexImagenLocation) || VertexImagenLocation.Equals("global", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{configurationPath}:VertexImagenLocation must be a region such as us-central1 (Imagen's :predict is not served at global); it is '{VertexImagenLocation}'.";
        }
    }
}
