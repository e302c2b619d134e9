using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.Routing;

/// <summary>Makes a <see cref="FallbackImageGenerator"/> the root of the default pipeline.</summary>
public static class FallbackImageGenerationBuilderExtensions
{
    /// <summary>
    /// Routes the default <see cref="IImageGenerator"/> through <paramref name="routes"/> (<c>"provider/model"</c>, where
    /// the provider is a registered name, or an alias), plus any from <c>ImageGeneration:Routing:Routes</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="routes">Routes in order; none to take them from configuration.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder UseFallback(this ImageGenerationBuilder builder, params string[] routes) =>
        builder.UseFallback(options => options.Routes.AddRange(routes));

    /// <summary>Routes the default <see cref="IImageGenerator"/> as <paramref name="configure"/> (after <c>ImageGeneration:Routing</c>) says.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets routes, aliases and the fallback policy.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder UseFallback(this ImageGenerationBuilder builder, Action<FallbackOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFeatureOptions<FallbackOptions>("Routing", static (section, o) => section.Bind(o), configure, static (o, path) => o.Validate(path));
        return builder.UseRoot(services =>
        {
            var options = services.GetRequiredService<IOptions<FallbackOptions>>().Value;
            var aliases = options.Aliases.ToDictionary(
                a => a.Key,
                a => (IReadOnlyList<ImageRoute>)a.Value.Select(r => Resolve(services, builder, r)).ToArray(),
                StringComparer.OrdinalIgnoreCase);
            var routes = options.Routes.SelectMany(r => aliases.TryGetValue(r, out var expanded) ? expanded : [Resolve(services, builder, r)]).ToArray();
            if (routes.Length == 0 && aliases.Count == 0)
            {
                throw new InvalidOperationException($"UseFallback() has no routes: pass them (\"openai/gpt-image-2\", ...) or set {builder.ConfigurationPath}:Routing:Routes.");
            }

            return new FallbackImageGenerator(routes, options, aliases, services.GetService<TimeProvider>());
        });
    }

    private static ImageRoute Resolve(IServiceProvider services, ImageGenerationBuilder builder, string route)
    {
        var (provider, model) = ImageRoute.Parse(route);
        string? registered = builder.ProviderNames.FirstOrDefault(p => string.Equals(p, provider, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"Route '{route}' names provider '{provider}', which is not registered. Registered: {(builder.ProviderNames.Count == 0 ? "none" : string.Join(", ", builder.ProviderNames))}.");
        return new ImageRoute(services.GetRequiredKeyedService<IImageGenerator>(registered), model, registered);
    }
}
