namespace UnifiedImageGen.Routing;

/// <summary>Which failures move a request to the next route, and when a failing route is rested. Binds from <c>ImageGeneration:Routing</c>.</summary>
public sealed class FallbackOptions
{
    /// <summary>The routes, in order: <c>"provider/model"</c> or an alias name.</summary>
    public List<string> Routes { get; } = [];

    /// <summary>Model aliases: a name a request can give as its <see cref="ImageGenerationRequest.Model"/>, mapped to the routes that serve it.</summary>
    public Dictionary<string, List<string>> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The error kinds that move on to the next route. Empty means the defaults: ProviderUnavailable, RateLimited, Timeout.</summary>
    public List<ImageGenerationErrorKind> FallbackOn { get; } = [];

    /// <summary>Whether a content-policy refusal moves on to the next route (another provider's filter may allow it).</summary>
    /// <value><see langword="false"/>.</value>
    public bool FallbackOnContentPolicy { get; set; }

    /// <summary>Consecutive failures after which a route is skipped for <see cref="CircuitCooldown"/>; 0 turns this off.</summary>
    /// <value>3.</value>
    public int CircuitFailureThreshold { get; set; } = 3;

    /// <summary>How long a failing route is skipped before it is tried again.</summary>
    /// <value>1 minute.</value>
    public TimeSpan CircuitCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether an error of <paramref name="kind"/> moves on. InvalidRequest and BudgetExceeded never do.</summary>
    public bool MovesOn(ImageGenerationErrorKind kind)
    {
        if (kind is ImageGenerationErrorKind.InvalidRequest or ImageGenerationErrorKind.BudgetExceeded)
        {
            return false;
        }

        if (kind == ImageGenerationErrorKind.ContentPolicy)
        {
            return FallbackOnContentPolicy;
        }

        return FallbackOn.Count == 0
            ? kind is ImageGenerationErrorKind.ProviderUnavailable or ImageGenerationErrorKind.RateLimited or ImageGenerationErrorKind.Timeout
            : FallbackOn.Contains(kind);
    }

    /// <summary>Checks the values, naming each setting.</summary>
    /// <param name="configurationPath">Where the options bind from.</param>
    public IEnumerable<string> Validate(string configurationPath)
    {
        if (CircuitFailureThreshold < 0)
        {
            yield return $"{configurationPath}:CircuitFailureThreshold must be 0 or more.";
        }

        if (CircuitCooldown < TimeSpan.Zero)
        {
            yield return $"{configurationPath}:CircuitCooldown must not be negative.";
        }
    }
}
