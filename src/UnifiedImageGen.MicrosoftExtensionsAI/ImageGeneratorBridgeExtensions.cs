namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// Adapters between <see cref="IImageGenerator"/> and Microsoft.Extensions.AI's
/// <see cref="Microsoft.Extensions.AI.IImageGenerator"/>, in both directions.
/// </summary>
public static class ImageGeneratorBridgeExtensions
{
    /// <summary>
    /// Presents a UnifiedImageGen generator (a provider or a whole routed pipeline) as a Microsoft.Extensions.AI image
    /// generator, so MEAI middleware (logging, OpenTelemetry, <c>ImageGeneratingChatClient</c>) works with it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Options map to <see cref="ImageGenerationRequest"/>: <c>Count</c>, <c>ImageSize</c>, <c>MediaType</c> (the output
    /// format), <c>ModelId</c>; original images become <see cref="ImageGenerationRequest.InputImages"/> of an
    /// <see cref="ImageOperation.ImageToImage"/> request. <c>AdditionalProperties</c> named in
    /// <see cref="AdditionalPropertyNames"/> set the matching request members; any other scalar becomes a member of a
    /// <c>JsonObject</c> in the wrapped provider's <see cref="ImageGenerationRequest.ProviderOptions"/>, and any other object
    /// is taken as the options of the provider its key names. A <c>RawRepresentationFactory</c> that returns an
    /// <see cref="ImageGenerationRequest"/> gives the request to start from.
    /// </para>
    /// <para>
    /// Every image comes back as <c>DataContent</c> bytes (never a URL) whose <c>RawRepresentation</c> is the
    /// <see cref="GeneratedImage"/>; failed slots of a batch are <c>ErrorContent</c>. The response's
    /// <c>RawRepresentation</c> is the <see cref="ImageGenerationResult"/>; provider, model, cost, warnings, seed and revised
    /// prompt are in each content's <c>AdditionalProperties</c>. Errors are the <see cref="ImageGenerationException"/>
    /// the generator throws. Disposing the adapter disposes <paramref name="generator"/> when it is disposable.
    /// </para>
    /// </remarks>
    /// <param name="generator">The generator to present.</param>
    /// <returns>A Microsoft.Extensions.AI image generator over <paramref name="generator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public static Microsoft.Extensions.AI.IImageGenerator AsMicrosoftImageGenerator(this IImageGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new UnifiedToMicrosoftImageGenerator(generator);
    }

    /// <summary>
    /// Presents a Microsoft.Extensions.AI image generator (a vendor's adapter) as a UnifiedImageGen provider, so it can
    /// sit in a router with fallback, behind caching and cost tracking.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The request is validated against <see cref="MicrosoftImageGeneratorAdapterOptions.Models"/> (permissive when none
    /// are given). Prompt and input images become the MEAI request; count, size (or, for an aspect ratio alone, a size of
    /// that shape), output format and model become typed options, with <c>ResponseFormat</c> set to data; the other settings
    /// travel in <c>AdditionalProperties</c> under <see cref="AdditionalPropertyNames"/>. This provider's entry of
    /// <see cref="ImageGenerationRequest.ProviderOptions"/> may be MEAI <c>ImageGenerationOptions</c> to start from, a
    /// <c>Func&lt;IImageGenerator, object?&gt;</c> raw-representation factory, or a <c>JsonObject</c> of additional properties.
    /// </para>
    /// <para>
    /// <c>DataContent</c> results become <see cref="GeneratedImage"/> bytes; <c>UriContent</c> results are downloaded at
    /// once (https only, private addresses refused); <c>ErrorContent</c> becomes a failed slot. Exceptions other than
    /// <see cref="ImageGenerationException"/> and cancellation are wrapped in an <see cref="ImageGenerationException"/>
    /// whose kind follows the HTTP status where one is found (see
    /// <see cref="MicrosoftImageGeneratorAdapterOptions.ClassifyError"/>). Disposing the adapter disposes
    /// <paramref name="generator"/>.
    /// </para>
    /// </remarks>
    /// <param name="generator">The Microsoft.Extensions.AI generator to present.</param>
    /// <param name="options">Name, models, download client and error mapping; defaults when null.</param>
    /// <returns>A UnifiedImageGen generator over <paramref name="generator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public static IImageGenerator AsUnifiedImageGenerator(this Microsoft.Extensions.AI.IImageGenerator generator, MicrosoftImageGeneratorAdapterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new MicrosoftToUnifiedImageGenerator(generator, options ?? new MicrosoftImageGeneratorAdapterOptions(), ownsInner: true);
    }

    /// <summary>
    /// Presents a Microsoft.Extensions.AI image generator as a UnifiedImageGen provider; see
    /// <see cref="AsUnifiedImageGenerator(Microsoft.Extensions.AI.IImageGenerator, MicrosoftImageGeneratorAdapterOptions?)"/>.
    /// </summary>
    /// <param name="generator">The Microsoft.Extensions.AI generator to present.</param>
    /// <param name="configure">Sets the adapter's options.</param>
    /// <returns>A UnifiedImageGen generator over <paramref name="generator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="configure"/> is null.</exception>
    public static IImageGenerator AsUnifiedImageGenerator(this Microsoft.Extensions.AI.IImageGenerator generator, Action<MicrosoftImageGeneratorAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MicrosoftImageGeneratorAdapterOptions();
        configure(options);
        return generator.AsUnifiedImageGenerator(options);
    }
}
