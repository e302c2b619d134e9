using System.Text.Json.Serialization;

namespace UnifiedImageGen;

/// <summary>The outcome of a call: the images plus what was done to make them.</summary>
public sealed record ImageGenerationResult
{
    /// <summary>The images, in request order. In a batch that partly failed, failed slots carry <see cref="GeneratedImage.Error"/>.</summary>
    public required IReadOnlyList<GeneratedImage> Images { get; init; }

    /// <summary>The provider that made the images, such as <c>"openai"</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The model that made the images.</summary>
    public required string Model { get; init; }

    /// <summary>Settings that were dropped or adjusted.</summary>
    public IReadOnlyList<ImageGenerationWarning> Warnings { get; init; } = [];

    /// <summary>Token, compute or credit usage, where the provider reports it.</summary>
    public ImageUsage? Usage { get; init; }

    /// <summary>What the call cost.</summary>
    public ImageCost? Cost { get; init; }

    /// <summary>The provider's id for the request or job, for support tickets.</summary>
    public string? ProviderRequestId { get; init; }

    /// <summary>Wall time of the call.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Whether the images came from the cache rather than the provider.</summary>
    public bool FromCache { get; init; }

    /// <summary>The routes a router tried, in order; empty when no router was involved.</summary>
    public IReadOnlyList<RouteAttempt> Attempts { get; init; } = [];

    /// <summary>The provider's raw response object, for escape hatches. Not serialized.</summary>
    [JsonIgnore]
    public object? RawRepresentation { get; init; }

    /// <summary>The first successful image.</summary>
    /// <exception cref="InvalidOperationException">No slot holds an image.</exception>
    [JsonIgnore]
    public GeneratedImage Image => Images.FirstOrDefault(i => i.IsSuccess)
        ?? throw new InvalidOperationException("The result holds no successful image.");

    // RawRepresentation may hold the provider's JSON (and so the prompt): keep it out of ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Provider = ").Append(Provider)
            .Append(", Model = ").Append(Model)
            .Append(", Images = ").Append(Images.Count)
            .Append(", Warnings = ").Append(Warnings.Count)
            .Append(", Cost = ").Append(Cost?.Usd.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown")
            .Append(", Elapsed = ").Append(Elapsed)
            .Append(", FromCache = ").Append(FromCache)
            .Append(", Attempts = ").Append(Attempts.Count);
        return true;
    }
}
