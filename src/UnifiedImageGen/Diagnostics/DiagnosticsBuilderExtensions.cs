using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using UnifiedImageGen.DependencyInjection;

namespace UnifiedImageGen.Diagnostics;

/// <summary>Adds <see cref="LoggingImageGenerator"/> and <see cref="OpenTelemetryImageGenerator"/> to a pipeline.</summary>
public static class DiagnosticsBuilderExtensions
{
    /// <summary>The logger category of <see cref="LoggingImageGenerator"/>.</summary>
    public const string LoggerCategory = "UnifiedImageGen";

    /// <summary>Adds a logging layer; its logger comes from <paramref name="loggerFactory"/>, else the services passed to <see cref="ImageGeneratorBuilder.Build"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">Creates the logger; when null, resolved from services (no logging if none is registered).</param>
    /// <returns>The builder.</returns>
    public static ImageGeneratorBuilder UseLogging(this ImageGeneratorBuilder builder, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => CreateLogging(inner, services, loggerFactory));
    }

    /// <summary>Adds a logging layer to the default pipeline, with the application's <see cref="ILoggerFactory"/>. The first layer added is the outermost.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder UseLogging(this ImageGenerationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => CreateLogging(inner, services, loggerFactory: null));
    }

    /// <summary>Adds an OpenTelemetry layer (traces and metrics named <see cref="ImageGenerationTelemetry.SourceName"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the layer, for example <c>t => t.EnableSensitiveData = true</c>.</param>
    /// <returns>The builder.</returns>
    public static ImageGeneratorBuilder UseOpenTelemetry(this ImageGeneratorBuilder builder, Action<OpenTelemetryImageGenerator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => CreateTelemetry(inner, services, configure));
    }

    /// <summary>
    /// Adds an OpenTelemetry layer to the default pipeline, using the host's <see cref="IMeterFactory"/> when one is
    /// registered. Add it first (outermost) so cache hits are seen.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the layer, for example <c>t => t.EnableSensitiveData = true</c>.</param>
    /// <returns>The builder.</returns>
    public static ImageGenerationBuilder UseOpenTelemetry(this ImageGenerationBuilder builder, Action<OpenTelemetryImageGenerator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => CreateTelemetry(inner, services, configure));
    }

    private static LoggingImageGenerator CreateLogging(IImageGenerator inner, IServiceProvider services, ILoggerFactory? loggerFactory)
    {
        var factory = loggerFactory ?? services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return new LoggingImageGenerator(inner, factory.CreateLogger(LoggerCategory), services.GetService<TimeProvider>());
    }

    private static OpenTelemetryImageGenerator CreateTelemetry(IImageGenerator inner, IServiceProvider services, Action<OpenTelemetryImageGenerator>? configure)
    {
        var generator = new OpenTelemetryImageGenerator(inner, services.GetService<IMeterFactory>(), services.GetService<TimeProvider>());
        configure?.Invoke(generator);
        return generator;
    }
}
