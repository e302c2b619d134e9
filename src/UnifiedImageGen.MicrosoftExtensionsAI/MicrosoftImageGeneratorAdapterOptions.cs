using UnifiedImageGen.Http;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// How a Microsoft.Extensions.AI image generator is presented as a UnifiedImageGen provider by
/// <see cref="ImageGeneratorBridgeExtensions.AsUnifiedImageGenerator(Microsoft.Extensions.AI.IImageGenerator, MicrosoftImageGeneratorAdapterOptions?)"/>.
/// Every setting is optional.
/// </summary>
public sealed class MicrosoftImageGeneratorAdapterOptions
{
    /// <summary>The provider name used when neither <see cref="ProviderName"/> nor the wrapped generator's metadata gives one.</summary>
    public const string DefaultProviderName = "meai";

    /// <summary>The name that will appear as the provider's name in results, errors, routes and price lookups.</summary>
    /// <value>The wrapped generator's <c>ImageGeneratorMetadata.ProviderName</c>, else <see cref="DefaultProviderName"/>.</value>
    public string? ProviderName { get; set; }

    /// <summary>The endpoint to report in <see cref="ImageGeneratorMetadata.Endpoint"/>.</summary>
    /// <value>The wrapped generator's <c>ImageGeneratorMetadata.ProviderUri</c>.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>The model used when a request names none; it is sent as <c>ModelId</c>.</summary>
    /// <value>The wrapped generator's <c>ImageGeneratorMetadata.DefaultModelId</c>; when that is unknown too, no model id is sent.</value>
    public string? DefaultModel { get; set; }

    /// <summary>
    /// What the wrapped generator's models can do. Leave empty to let every request through to the wrapped generator
    /// (a permissive descriptor that takes any count in one call); list the models to have requests validated, unsupported
    /// settings dropped with warnings, and routers skip this provider for operations it lacks.
    /// </summary>
    public IList<ImageModelDescriptor> Models { get; } = [];

    /// <summary>What to do with a setting that <see cref="Models"/> says the model lacks.</summary>
    /// <value><see cref="UnifiedImageGen.UnsupportedSettingBehavior.Warn"/>.</value>
    public UnsupportedSettingBehavior UnsupportedSettingBehavior { get; set; }

    /// <summary>
    /// The client that downloads images the wrapped generator answers with as URLs. When null, a client whose connections
    /// are checked against private addresses is created on the first download and disposed with the adapter.
    /// </summary>
    public HttpClient? DownloadHttpClient { get; set; }

    /// <summary>Limits for those downloads: size, timeout, redirects, allowed private hosts.</summary>
    public ImageDownloadOptions Download { get; } = new();

    /// <summary>
    /// Decides the <see cref="ImageGenerationErrorKind"/> of an exception the wrapped generator throws, for exception types
    /// this package cannot know (such as <c>System.ClientModel.ClientResultException</c>, whose <c>Status</c> can go through
    /// <see cref="ImageGenerationException.KindFromStatusCode"/>). Return null to use the built-in mapping.
    /// </summary>
    public Func<Exception, ImageGenerationErrorKind?>? ClassifyError { get; set; }

    /// <summary>The clock for <see cref="ImageGenerationResult.Elapsed"/>.</summary>
    /// <value><see cref="System.TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; set; }
}
