using System.Text.Json.Nodes;

namespace UnifiedImageGen.Fal;

/// <summary>
/// fal-only settings for one request: <c>request.WithProviderOptions("fal", new FalRequestOptions { ... })</c>. For
/// endpoints this package does not map, put their inputs in <see cref="Input"/> (or pass a <see cref="JsonObject"/>).
/// </summary>
public sealed record FalRequestOptions
{
    /// <summary>More endpoint inputs, merged into the body (the prompt stays the request's).</summary>
    public JsonObject? Input { get; init; }

    /// <summary>FLUX: the safety checker (<c>enable_safety_checker</c>; fal's default is on).</summary>
    public bool? EnableSafetyChecker { get; init; }

    /// <summary>FLUX: <c>none</c>, <c>regular</c> or <c>high</c> (<c>acceleration</c>).</summary>
    public string? Acceleration { get; init; }

    /// <summary>Queue priority: <c>normal</c> or <c>low</c> (<c>X-Fal-Queue-Priority</c>).</summary>
    public string? QueuePriority { get; init; }

    /// <summary>The longest wait in fal's queue for this request (<c>X-Fal-Request-Timeout</c>, more than 1 s), overriding <see cref="FalImageGeneratorOptions.QueueTimeout"/>; it does not bound the run.</summary>
    public TimeSpan? QueueTimeout { get; init; }

    /// <summary>A webhook for this request (<c>fal_webhook</c>), overriding the options' one.</summary>
    public Uri? WebhookUrl { get; init; }
}
