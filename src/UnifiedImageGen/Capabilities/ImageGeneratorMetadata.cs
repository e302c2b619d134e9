namespace UnifiedImageGen;

/// <summary>Describes a generator: its provider, endpoint, and the models it knows.</summary>
public sealed class ImageGeneratorMetadata
{
    private readonly Dictionary<string, ImageModelDescriptor> _byId;
    private readonly Func<string, ImageModelDescriptor> _unknownModel;

    /// <summary>Creates metadata.</summary>
    /// <param name="providerName">The provider name, such as <c>"openai"</c>.</param>
    /// <param name="endpoint">The base address, if any.</param>
    /// <param name="defaultModel">The model used when a request names none.</param>
    /// <param name="models">The models this generator knows.</param>
    /// <param name="unknownModel">Makes the descriptor for an id not in <paramref name="models"/>; <see cref="ImageModelDescriptor.Permissive"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="providerName"/> or <paramref name="defaultModel"/> is empty.</exception>
    public ImageGeneratorMetadata(
        string providerName,
        Uri? endpoint,
        string defaultModel,
        IEnumerable<ImageModelDescriptor> models,
        Func<string, ImageModelDescriptor>? unknownModel = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultModel);
        ArgumentNullException.ThrowIfNull(models);
        ProviderName = providerName;
        Endpoint = endpoint;
        DefaultModel = defaultModel;
        Models = models.ToArray();
        _byId = new Dictionary<string, ImageModelDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Models)
        {
            _byId[model.Id] = model;
        }

        _unknownModel = unknownModel ?? (id => ImageModelDescriptor.Permissive(id));
    }

    /// <summary>The provider name, such as <c>"openai"</c> or <c>"placeholder"</c>.</summary>
    public string ProviderName { get; }

    /// <summary>The base address requests go to, if any.</summary>
    public Uri? Endpoint { get; }

    /// <summary>The model used when a request names none.</summary>
    public string DefaultModel { get; }

    /// <summary>The models this generator knows.</summary>
    public IReadOnlyList<ImageModelDescriptor> Models { get; }

    /// <summary>
    /// Returns the descriptor of <paramref name="modelId"/> (the default model when <see langword="null"/>). An id this
    /// generator does not list gets a permissive descriptor, never an exception: providers add models faster than SDKs.
    /// </summary>
    /// <param name="modelId">The model id, case-insensitive.</param>
    public ImageModelDescriptor GetModel(string? modelId)
    {
        modelId ??= DefaultModel;
        return _byId.TryGetValue(modelId, out var model) ? model : _unknownModel(modelId);
    }

    /// <summary>Whether <paramref name="modelId"/> is one of <see cref="Models"/>.</summary>
    public bool IsKnownModel(string modelId) => _byId.ContainsKey(modelId);
}
