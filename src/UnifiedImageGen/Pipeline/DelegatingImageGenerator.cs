namespace UnifiedImageGen;

/// <summary>
/// The base of every decorator: forwards everything to <see cref="InnerGenerator"/>. Override
/// <see cref="GenerateAsync"/> to add behaviour; <see cref="GetService"/> answers for this layer and asks the inner one otherwise.
/// </summary>
public abstract class DelegatingImageGenerator : IImageGenerator, IDisposable
{
    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    protected DelegatingImageGenerator(IImageGenerator innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        InnerGenerator = innerGenerator;
    }

    /// <summary>The generator this layer wraps.</summary>
    protected IImageGenerator InnerGenerator { get; }

    /// <summary>The inner generator's metadata, unless a layer overrides it.</summary>
    public virtual ImageGeneratorMetadata Metadata => InnerGenerator.Metadata;

    /// <inheritdoc/>
    public virtual Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
        InnerGenerator.GenerateAsync(request, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this)
            ? this
            : InnerGenerator.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes this layer and the inner generator.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner generator when it is disposable.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && InnerGenerator is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
