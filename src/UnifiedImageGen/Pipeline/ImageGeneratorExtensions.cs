namespace UnifiedImageGen;

/// <summary>Conveniences over <see cref="IImageGenerator"/>.</summary>
public static class ImageGeneratorExtensions
{
    /// <summary>Generates <paramref name="count"/> image(s) from a prompt with the model's defaults.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="prompt">What the image should show.</param>
    /// <param name="count">How many images; 1 by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is empty.</exception>
    /// <exception cref="ImageGenerationException">The provider refused or failed.</exception>
    public static Task<ImageGenerationResult> GenerateAsync(this IImageGenerator generator, string prompt, int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        return generator.GenerateAsync(new ImageGenerationRequest(prompt) { Count = count }, cancellationToken);
    }

    /// <summary>
    /// Edits an image as the prompt says: an <see cref="ImageOperation.Inpaint"/> when a mask is given, else an
    /// <see cref="ImageOperation.ImageToImage"/>.
    /// </summary>
    /// <param name="generator">The generator.</param>
    /// <param name="image">The image to edit.</param>
    /// <param name="prompt">What to change.</param>
    /// <param name="mask">Where to change it, or <see langword="null"/> for the whole image.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ImageGenerationException">The provider refused or failed, or the model cannot edit.</exception>
    public static Task<ImageGenerationResult> EditAsync(this IImageGenerator generator, ImageInput image, string prompt, ImageInput? mask = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(image);
        return generator.GenerateAsync(
            new ImageGenerationRequest(prompt)
            {
                Operation = mask is null ? ImageOperation.ImageToImage : ImageOperation.Inpaint,
                InputImages = [image],
                Mask = mask,
            },
            cancellationToken);
    }

    /// <summary>Enlarges an image.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="image">The image to enlarge.</param>
    /// <param name="prompt">A description some upscalers use to add detail; optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ImageGenerationException">The provider refused or failed, or the model cannot upscale.</exception>
    public static Task<ImageGenerationResult> UpscaleAsync(this IImageGenerator generator, ImageInput image, string? prompt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(image);
        return generator.GenerateAsync(
            new ImageGenerationRequest { Prompt = prompt, Operation = ImageOperation.Upscale, InputImages = [image] },
            cancellationToken);
    }

    /// <summary>Finds a layer or service of type <typeparamref name="TService"/> in the generator stack.</summary>
    /// <typeparam name="TService">The type to find.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public static TService? GetService<TService>(this IImageGenerator generator, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return generator.GetService(typeof(TService), serviceKey) is TService service ? service : default;
    }

    /// <summary>Finds a layer or service of type <typeparamref name="TService"/>, or throws.</summary>
    /// <typeparam name="TService">The type to find.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <exception cref="InvalidOperationException">No layer provides it.</exception>
    public static TService GetRequiredService<TService>(this IImageGenerator generator, object? serviceKey = null) =>
        generator.GetService<TService>(serviceKey)
        ?? throw new InvalidOperationException($"No layer of this image generator provides {typeof(TService).Name}.");

    /// <summary>
    /// Streams previews and progress where the generator (or a layer of it) supports it, ending with the final result;
    /// for other generators it runs <see cref="IImageGenerator.GenerateAsync"/> and yields one completed update.
    /// </summary>
    /// <param name="generator">The generator.</param>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <exception cref="ImageGenerationException">The provider refused or failed the request.</exception>
    public static async IAsyncEnumerable<ImageGenerationUpdate> GenerateStreamingAsync(
        this IImageGenerator generator,
        ImageGenerationRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if ((generator as IStreamingImageGenerator ?? generator.GetService<IStreamingImageGenerator>()) is { } streaming)
        {
            await foreach (var update in streaming.GenerateStreamingAsync(request, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var result = await generator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        yield return new ImageGenerationUpdate { Kind = ImageGenerationUpdateKind.Completed, Provider = result.Provider, Result = result };
    }
}
