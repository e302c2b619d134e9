using System.Text.Json.Nodes;

namespace UnifiedImageGen.Providers;

/// <summary>
/// Reads a provider's entry of <see cref="ImageGenerationRequest.ProviderOptions"/>: its typed options object or a
/// <see cref="JsonObject"/> to merge into the request body, never both, never another type.
/// </summary>
public static class ProviderOptionsReader
{
    /// <summary>Returns the typed options or the JSON object for <paramref name="providerName"/> (both null when absent).</summary>
    /// <typeparam name="T">The provider's typed options class.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="providerName">The provider's key.</param>
    /// <exception cref="ArgumentException">The entry is of another type.</exception>
    public static (T? Typed, JsonObject? Json) Read<T>(ImageGenerationRequest request, string providerName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        object? value = request.GetProviderOptions<object>(providerName);
        return value switch
        {
            null => (null, null),
            T typed => (typed, null),
            JsonObject json => (null, json),
            _ => throw new ArgumentException($"request.ProviderOptions[\"{providerName}\"] must be a {typeof(T).Name} or a JsonObject; it is a {value.GetType().Name}.", nameof(request)),
        };
    }

    /// <summary>
    /// Merges <paramref name="extra"/> into <paramref name="body"/>, member by member (later wins), refusing members
    /// the SDK maps itself.
    /// </summary>
    /// <param name="body">The request body built from the unified request.</param>
    /// <param name="extra">The caller's JSON members, or null.</param>
    /// <param name="providerName">The provider's key, for the message.</param>
    /// <param name="reservedMembers">Members that cannot be overridden (model, prompt, auth, ...).</param>
    /// <exception cref="ArgumentException"><paramref name="extra"/> sets a reserved member.</exception>
    public static void Merge(JsonObject body, JsonObject? extra, string providerName, params IReadOnlyCollection<string> reservedMembers)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(reservedMembers);
        if (extra is null)
        {
            return;
        }

        ThrowIfReserved(extra, providerName, reservedMembers);
        foreach (var (name, value) in extra)
        {
            body[name] = value?.DeepClone();
        }
    }

    /// <summary>Refuses a JSON object that sets a member the SDK maps itself; call it before anything is sent.</summary>
    /// <param name="extra">The caller's JSON members.</param>
    /// <param name="providerName">The provider's key, for the message.</param>
    /// <param name="reservedMembers">Members that cannot be overridden.</param>
    /// <exception cref="ArgumentException"><paramref name="extra"/> sets a reserved member.</exception>
    public static void ThrowIfReserved(JsonObject extra, string providerName, params IReadOnlyCollection<string> reservedMembers)
    {
        ArgumentNullException.ThrowIfNull(extra);
        ArgumentNullException.ThrowIfNull(reservedMembers);
        foreach (var (name, _) in extra)
        {
            if (reservedMembers.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"request.ProviderOptions[\"{providerName}\"] may not set \"{name}\": the SDK sets it from the request (members it maps itself: {string.Join(", ", reservedMembers)}).", "request");
            }
        }
    }
}
