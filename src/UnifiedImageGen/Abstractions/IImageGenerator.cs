namespace UnifiedImageGen;

/// <summary>
/// Generates images from a request. Every operation (text-to-image, edits, upscales, ...) goes through the one
/// <see cref="GenerateAsync"/> method, so a decorator wraps all of them by overriding a single member.
/// Conveniences live in <see cref="ImageGeneratorExtensions"/>.
/// </summary>
public interface IImageGenerator
{
    /// <summary>Gets what this generator is and which models and capabilities it offers.</summary>
    ImageGeneratorMetadata Metadata { get; }

    /// <summary>Runs the request and returns the generated images as bytes.</summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Cancels the call; job providers also cancel the job at the provider.</param>
    /// <returns>The images, with provider, model, warnings, usage and cost.</returns>
    /// <exception cref="ArgumentException">The request breaks a rule that needs no network call to check.</exception>
    /// <exception cref="ImageGenerationException">The provider refused or failed the request; <see cref="ImageGenerationException.Kind"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds a service in this generator or in the layers it wraps, such as a decorator of a given type or the
    /// provider's own client. Returns <see langword="null"/> when nothing matches.
    /// </summary>
    /// <param name="serviceType">The type of service to find.</param>
    /// <param name="serviceKey">An optional key; layers only answer keyed requests they recognise.</param>
    object? GetService(Type serviceType, object? serviceKey = null);
}
