using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.Placeholder;

/// <summary>Registers the offline <see cref="PlaceholderImageGenerator"/>.</summary>
public static class PlaceholderImageGenerationBuilderExtensions
{
    /// <summary>Adds the offline provider under the name <c>"placeholder"</c>, with options from <c>Providers:placeholder</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder AddPlaceholder(this ImageGenerationBuilder builder, Action<PlaceholderImageGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        const string name = PlaceholderImageGenerator.ProviderName;
        var options = builder.Services.AddOptions<PlaceholderImageGeneratorOptions>(name);
        if (builder.GetProviderConfiguration(name) is { } section)
        {
            options.Configure(o => section.Bind(o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        string path = builder.ConfigurationPath + ":Providers:" + name;
        options.Validate(o => !o.Validate(path).Any(), $"{path}: DefaultWidth and DefaultHeight must be between 16 and {PlaceholderImageGenerator.MaxSide}.")
            .ValidateOnStart();
        return builder.AddProvider(name, sp => new PlaceholderImageGenerator(
            sp.GetRequiredService<IOptionsMonitor<PlaceholderImageGeneratorOptions>>().Get(name),
            sp.GetService<TimeProvider>()));
    }
}
