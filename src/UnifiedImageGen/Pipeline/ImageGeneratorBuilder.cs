namespace UnifiedImageGen;

/// <summary>
/// Composes decorators around a generator. The first <c>Use</c> is the outermost layer:
/// <c>new ImageGeneratorBuilder(inner).UseCaching().UseCostTracking().Build()</c> gives caching(cost(inner)).
/// </summary>
public sealed class ImageGeneratorBuilder
{
    private readonly Func<IServiceProvider, IImageGenerator> _innerFactory;
    private readonly List<Func<IImageGenerator, IServiceProvider, IImageGenerator>> _layers = [];

    /// <summary>Starts from a generator instance.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    public ImageGeneratorBuilder(IImageGenerator innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        _innerFactory = _ => innerGenerator;
    }

    /// <summary>Starts from a factory, resolved when <see cref="Build"/> runs (the form dependency injection uses).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="innerGeneratorFactory"/> is null.</exception>
    public ImageGeneratorBuilder(Func<IServiceProvider, IImageGenerator> innerGeneratorFactory)
    {
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        _innerFactory = innerGeneratorFactory;
    }

    /// <summary>Adds a layer. Layers added earlier wrap layers added later.</summary>
    /// <param name="layerFactory">Wraps the generator below it.</param>
    /// <returns>This builder.</returns>
    public ImageGeneratorBuilder Use(Func<IImageGenerator, IImageGenerator> layerFactory)
    {
        ArgumentNullException.ThrowIfNull(layerFactory);
        return Use((inner, _) => layerFactory(inner));
    }

    /// <summary>Adds a layer that needs services. Layers added earlier wrap layers added later.</summary>
    /// <param name="layerFactory">Wraps the generator below it, with the service provider passed to <see cref="Build"/>.</param>
    /// <returns>This builder.</returns>
    public ImageGeneratorBuilder Use(Func<IImageGenerator, IServiceProvider, IImageGenerator> layerFactory)
    {
        ArgumentNullException.ThrowIfNull(layerFactory);
        _layers.Add(layerFactory);
        return this;
    }

    /// <summary>Builds the stack.</summary>
    /// <param name="services">Services for the layers; an empty provider when <see langword="null"/>.</param>
    /// <returns>The outermost generator.</returns>
    /// <exception cref="InvalidOperationException">A layer factory returned null.</exception>
    public IImageGenerator Build(IServiceProvider? services = null)
    {
        services ??= EmptyServiceProvider.Instance;
        var generator = _innerFactory(services);
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            generator = _layers[i](generator, services)
                ?? throw new InvalidOperationException($"The layer factory at position {i} returned null instead of an IImageGenerator.");
        }

        return generator;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static EmptyServiceProvider Instance { get; } = new();

        public object? GetService(Type serviceType) => null;
    }
}
