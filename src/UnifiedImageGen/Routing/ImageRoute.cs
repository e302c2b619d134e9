namespace UnifiedImageGen.Routing;

/// <summary>One way to serve a request: a provider's generator and the model to ask it for.</summary>
public sealed class ImageRoute
{
    /// <summary>Creates a route.</summary>
    /// <param name="generator">The provider's generator.</param>
    /// <param name="model">The model id; the provider's default when null.</param>
    /// <param name="provider">The provider name used in route strings (its registration key); the generator's provider name when null.</param>
    public ImageRoute(IImageGenerator generator, string? model = null, string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Generator = generator;
        Provider = provider ?? generator.Metadata.ProviderName;
        Model = model ?? generator.Metadata.DefaultModel;
    }

    /// <summary>The provider's generator.</summary>
    public IImageGenerator Generator { get; }

    /// <summary>The provider name (registration key).</summary>
    public string Provider { get; }

    /// <summary>The model id.</summary>
    public string Model { get; }

    /// <summary>The route as written in configuration: <c>"{provider}/{model}"</c>.</summary>
    public string Name => Provider + "/" + Model;

    /// <summary>The model's descriptor.</summary>
    public ImageModelDescriptor Descriptor => Generator.Metadata.GetModel(Model);

    /// <summary>Splits <c>"fal/fal-ai/flux/dev"</c> into provider <c>"fal"</c> and model <c>"fal-ai/flux/dev"</c>; a bare provider has no model.</summary>
    /// <param name="route">The route text.</param>
    /// <exception cref="FormatException">The text is empty.</exception>
    public static (string Provider, string? Model) Parse(string route)
    {
        if (string.IsNullOrWhiteSpace(route))
        {
            throw new FormatException("A route is written 'provider/model', such as 'openai/gpt-image-2'.");
        }

        int slash = route.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (route.Trim(), null) : (route[..slash].Trim(), route[(slash + 1)..].Trim());
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A generator that chooses among routes; lets outer layers (cost tracking) see where a request may go.</summary>
public interface IImageRouter
{
    /// <summary>The routes that could serve <paramref name="request"/>, in the order they would be tried (open circuits and missing capabilities excluded).</summary>
    /// <param name="request">The request.</param>
    IReadOnlyList<ImageRoute> GetEligibleRoutes(ImageGenerationRequest request);
}
