using System.Text.Json;
using System.Text.Json.Nodes;
using Meai = Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// A UnifiedImageGen generator seen as a Microsoft.Extensions.AI <see cref="Meai.IImageGenerator"/>: MEAI options
/// become an <see cref="ImageGenerationRequest"/>, and the result comes back as <see cref="Meai.DataContent"/> bytes
/// with the extras of <see cref="ImageGenerationResult"/> in <c>AdditionalProperties</c>.
/// </summary>
internal sealed class UnifiedToMicrosoftImageGenerator : Meai.IImageGenerator
{
    private readonly IImageGenerator _inner;
    private readonly Meai.ImageGeneratorMetadata _metadata;

    public UnifiedToMicrosoftImageGenerator(IImageGenerator inner)
    {
        _inner = inner;
        var metadata = inner.Metadata;
        _metadata = new Meai.ImageGeneratorMetadata(metadata.ProviderName, metadata.Endpoint, metadata.DefaultModel);
    }

    public async Task<Meai.ImageGenerationResponse> GenerateAsync(Meai.ImageGenerationRequest request, Meai.ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var unified = ToUnifiedRequest(request, options);
        var result = await _inner.GenerateAsync(unified, cancellationToken).ConfigureAwait(false);
        return ToMicrosoftResponse(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(Meai.ImageGeneratorMetadata))
            {
                return _metadata;
            }

            if (serviceType == typeof(ImageGeneratorMetadata))
            {
                return _inner.Metadata;
            }

            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }
        }

        return _inner.GetService(serviceType, serviceKey);
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    private ImageGenerationRequest ToUnifiedRequest(Meai.ImageGenerationRequest request, Meai.ImageGenerationOptions? options)
    {
        // MEAI's escape hatch for settings without a typed member: a caller who knows this adapter may hand over a
        // whole request of ours to start from. Other raw types are meant for other generators and are ignored.
        var start = options?.RawRepresentationFactory?.Invoke(this) as ImageGenerationRequest ?? new ImageGenerationRequest();
        var inputImages = request.OriginalImages?.Select(c => ImageContents.ToImageInput(c, "request.OriginalImages")).ToArray() ?? [];
        var unified = start with
        {
            Prompt = request.Prompt ?? start.Prompt,
            InputImages = inputImages.Length > 0 ? inputImages : start.InputImages,
            Operation = inputImages.Length > 0 && start.Operation == ImageOperation.Generate ? ImageOperation.ImageToImage : start.Operation,
            Count = options?.Count ?? start.Count,
            Size = options?.ImageSize is { } size ? new ImageSize(size.Width, size.Height) : start.Size,
            OutputFormat = string.IsNullOrWhiteSpace(options?.MediaType) ? start.OutputFormat : new ImageFormat(options.MediaType),
            Model = options?.ModelId ?? start.Model,
        };

        return options?.AdditionalProperties is { Count: > 0 } properties ? ApplyAdditionalProperties(unified, properties) : unified;
    }

    private ImageGenerationRequest ApplyAdditionalProperties(ImageGenerationRequest request, Meai.AdditionalPropertiesDictionary properties)
    {
        string providerName = _inner.Metadata.ProviderName;
        var providerOptions = request.ProviderOptions is null
            ? new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, object>(request.ProviderOptions, StringComparer.OrdinalIgnoreCase);
        JsonObject? members = null;
        bool operationGiven = false;

        foreach (var (key, raw) in properties)
        {
            object? value = PropertyValues.Unwrap(raw);
            if (value is null)
            {
                continue;
            }

            switch (PropertyValues.Normalize(key))
            {
                case "seed":
                    request = request with { Seed = PropertyValues.GetInt64(key, value) };
                    break;
                case "negativeprompt":
                    request = request with { NegativePrompt = PropertyValues.GetString(key, value) };
                    break;
                case "aspectratio":
                    request = request with { AspectRatio = value as AspectRatio? ?? ParseAspectRatio(key, value) };
                    break;
                case "quality":
                    request = request with { Quality = value as ImageQuality? ?? new ImageQuality(PropertyValues.GetString(key, value)) };
                    break;
                case "style":
                    request = request with { Style = PropertyValues.GetString(key, value) };
                    break;
                case "user":
                    request = request with { User = PropertyValues.GetString(key, value) };
                    break;
                case "steps":
                    request = request with { Steps = PropertyValues.GetInt32(key, value) };
                    break;
                case "guidancescale":
                    request = request with { GuidanceScale = PropertyValues.GetDouble(key, value) };
                    break;
                case "strength":
                    request = request with { Strength = PropertyValues.GetDouble(key, value) };
                    break;
                case "operation":
                    request = request with { Operation = value as ImageOperation? ?? ParseOperation(key, value) };
                    operationGiven = true;
                    break;
                case "mask":
                    request = request with { Mask = ImageContents.ToImageInput(value, $"AdditionalProperties[\"{key}\"]") };
                    break;
                case "loras":
                    request = request with
                    {
                        Loras = value as IEnumerable<LoraWeight> is { } loras
                            ? loras.ToArray()
                            : throw new ArgumentException($"AdditionalProperties[\"{key}\"] must be a sequence of LoraWeight.", "options"),
                    };
                    break;
                case "provideroptions":
                    foreach (var (provider, entry) in ReadProviderOptions(key, value))
                    {
                        providerOptions[provider] = entry;
                    }

                    break;
                default:
                    // Scalars are members of the wrapped provider's JSON options; objects are whole options of the
                    // provider the key names (AdditionalProperties["openai"] = new OpenAIRequestOptions { ... }).
                    if (PropertyValues.TryToJsonMember(value, out var member))
                    {
                        (members ??= [])[key] = member;
                    }
                    else
                    {
                        providerOptions[key] = value is JsonElement element ? JsonObject.Create(element)! : value;
                    }

                    break;
            }
        }

        if (!operationGiven && request.Mask is not null && request.Operation == ImageOperation.ImageToImage)
        {
            request = request with { Operation = ImageOperation.Inpaint };
        }

        if (members is not null)
        {
            providerOptions[providerName] = MergeMembers(providerName, providerOptions.GetValueOrDefault(providerName), members);
        }

        return providerOptions.Count == 0 ? request : request with { ProviderOptions = providerOptions };
    }

    private static JsonObject MergeMembers(string providerName, object? existing, JsonObject members)
    {
        switch (existing)
        {
            case null:
                return members;
            case JsonObject json:
                var merged = (JsonObject)json.DeepClone();
                foreach (var (name, node) in members)
                {
                    merged[name] = node?.DeepClone();
                }

                return merged;
            default:
                throw new ArgumentException(
                    $"AdditionalProperties {string.Join(", ", members.Select(m => $"\"{m.Key}\""))} cannot be merged into the options of provider '{providerName}': they are a typed {existing.GetType().Name}. Set those values on that object instead.",
                    "options");
        }
    }

    private static IEnumerable<KeyValuePair<string, object>> ReadProviderOptions(string key, object value) => value switch
    {
        IEnumerable<KeyValuePair<string, object>> entries => entries.Where(e => e.Value is not null),
        JsonObject json => json.Where(e => e.Value is JsonObject).Select(e => new KeyValuePair<string, object>(e.Key, e.Value!.DeepClone())),
        JsonElement { ValueKind: JsonValueKind.Object } element => ReadProviderOptions(key, JsonObject.Create(element)!),
        _ => throw new ArgumentException($"AdditionalProperties[\"{key}\"] must map provider names to options objects.", "options"),
    };

    private static AspectRatio ParseAspectRatio(string key, object value) =>
        AspectRatio.TryParse(PropertyValues.GetString(key, value), null, out var ratio)
            ? ratio
            : throw new ArgumentException($"AdditionalProperties[\"{key}\"] must be an aspect ratio such as \"16:9\".", "options");

    private static ImageOperation ParseOperation(string key, object value) =>
        Enum.TryParse<ImageOperation>(PropertyValues.GetString(key, value), ignoreCase: true, out var operation) && Enum.IsDefined(operation)
            ? operation
            : throw new ArgumentException($"AdditionalProperties[\"{key}\"] must name an ImageOperation ({string.Join(", ", Enum.GetNames<ImageOperation>())}).", "options");

    private static Meai.ImageGenerationResponse ToMicrosoftResponse(ImageGenerationResult result)
    {
        var contents = new List<Meai.AIContent>(result.Images.Count);
        for (int i = 0; i < result.Images.Count; i++)
        {
            var image = result.Images[i];
            var properties = ResultProperties(result);
            if (image.IsSuccess)
            {
                AddImageProperties(properties, image);
                contents.Add(new Meai.DataContent(image.Data, image.MediaType)
                {
                    Name = $"image-{i + 1}{image.FileExtension}",
                    RawRepresentation = image,
                    AdditionalProperties = properties,
                });
            }
            else
            {
                var kind = image.Error?.Kind ?? ImageGenerationErrorKind.UnexpectedResponse;
                contents.Add(new Meai.ErrorContent(image.Error?.Message ?? "The provider returned an empty image.")
                {
                    ErrorCode = kind.ToString(),
                    RawRepresentation = image.Error,
                    AdditionalProperties = properties,
                });
            }
        }

        return new Meai.ImageGenerationResponse(contents)
        {
            RawRepresentation = result,
            Usage = ToUsageDetails(result.Usage),
        };
    }

    // MEAI's response has no property bag of its own, so the call's extras ride on every content.
    private static Meai.AdditionalPropertiesDictionary ResultProperties(ImageGenerationResult result)
    {
        var properties = new Meai.AdditionalPropertiesDictionary
        {
            [AdditionalPropertyNames.Provider] = result.Provider,
            [AdditionalPropertyNames.Model] = result.Model,
        };
        Add(properties, AdditionalPropertyNames.ProviderRequestId, result.ProviderRequestId);
        if (result.Cost is { } cost)
        {
            properties[AdditionalPropertyNames.CostUsd] = cost.Usd;
            Add(properties, AdditionalPropertyNames.CostBasis, string.IsNullOrEmpty(cost.Basis) ? null : cost.Basis);
        }

        if (result.Warnings.Count > 0)
        {
            properties[AdditionalPropertyNames.Warnings] = result.Warnings.Select(w => w.Message).ToArray();
        }

        if (result.FromCache)
        {
            properties[AdditionalPropertyNames.FromCache] = true;
        }

        Add(properties, AdditionalPropertyNames.ComputeSeconds, result.Usage?.ComputeSeconds);
        Add(properties, AdditionalPropertyNames.Credits, result.Usage?.Credits);
        return properties;
    }

    private static void AddImageProperties(Meai.AdditionalPropertiesDictionary properties, GeneratedImage image)
    {
        Add(properties, AdditionalPropertyNames.Seed, image.Seed);
        Add(properties, AdditionalPropertyNames.RevisedPrompt, image.RevisedPrompt);
        Add(properties, AdditionalPropertyNames.Width, image.Width);
        Add(properties, AdditionalPropertyNames.Height, image.Height);
        Add(properties, AdditionalPropertyNames.ContentFlagged, image.ContentFlagged);
    }

    private static void Add(Meai.AdditionalPropertiesDictionary properties, string key, object? value)
    {
        if (value is not null)
        {
            properties[key] = value;
        }
    }

    private static Meai.UsageDetails? ToUsageDetails(ImageUsage? usage)
    {
        if (usage is null || (usage.InputTokens ?? usage.OutputTokens ?? usage.TotalTokens ?? usage.InputTextTokens ?? usage.InputImageTokens) is null)
        {
            return null;
        }

        return new Meai.UsageDetails
        {
            InputTokenCount = usage.InputTokens,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = usage.TotalTokens,
            InputTextTokenCount = usage.InputTextTokens,
            AdditionalCounts = usage.InputImageTokens is { } imageTokens
                ? new Meai.AdditionalPropertiesDictionary<long> { [AdditionalPropertyNames.InputImageTokens] = imageTokens }
                : null,
        };
    }
}
