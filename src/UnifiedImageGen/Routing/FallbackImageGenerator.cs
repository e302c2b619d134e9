using System.Globalization;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Routing;

/// <summary>
/// Tries routes in order until one answers. A route whose model cannot do the operation is skipped, as is a route
/// whose circuit is open after repeated failures; a failure moves on only when <see cref="FallbackOptions.MovesOn"/>
/// says so (never for InvalidRequest or BudgetExceeded). Counts above a route's per-call limit are split. Every attempt,
/// skipped, failed or successful, is in <see cref="ImageGenerationResult.Attempts"/> (or
/// <see cref="ImageGenerationException.Attempts"/> when all fail).
/// </summary>
public sealed class FallbackImageGenerator : IImageGenerator, IImageRouter
{
    /// <summary>The provider name this router reports.</summary>
    public const string RouterName = "router";

    private readonly IReadOnlyList<ImageRoute> _routes;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<ImageRoute>> _aliases;
    private readonly FallbackOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, (int Failures, DateTimeOffset? OpenUntil)> _circuits = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    /// <summary>Creates a router.</summary>
    /// <param name="routes">The default routes, in order.</param>
    /// <param name="options">Fallback policy and circuit settings.</param>
    /// <param name="aliases">Model aliases a request may name instead of a model.</param>
    /// <param name="timeProvider">The clock for circuits and elapsed time.</param>
    /// <exception cref="ArgumentException">There are no routes.</exception>
    public FallbackImageGenerator(IEnumerable<ImageRoute> routes, FallbackOptions? options = null, IReadOnlyDictionary<string, IReadOnlyList<ImageRoute>>? aliases = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = routes.ToArray();
        _aliases = aliases ?? new Dictionary<string, IReadOnlyList<ImageRoute>>();
        if (_routes.Count == 0 && _aliases.Count == 0)
        {
            throw new ArgumentException("A fallback router needs at least one route, such as 'openai/gpt-image-2'.", nameof(routes));
        }

        _options = options ?? new FallbackOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        var all = AllRoutes().ToArray();
        Metadata = new ImageGeneratorMetadata(
            RouterName,
            endpoint: null,
            _routes.Count > 0 ? _routes[0].Name : _aliases.Keys.First(),
            all.Select(r => r.Descriptor with { Id = r.Name }),
            id => Union(id, ResolveRoutes(id)));
    }

    /// <summary>The router's own metadata: its models are the routes (<c>provider/model</c>) and aliases.</summary>
    public ImageGeneratorMetadata Metadata { get; }

    /// <summary>The default routes, in order.</summary>
    public IReadOnlyList<ImageRoute> Routes => _routes;

    /// <inheritdoc/>
    public IReadOnlyList<ImageRoute> GetEligibleRoutes(ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _timeProvider.GetUtcNow();
        var needed = ImageRequestValidator.RequiredCapability(request.Operation);
        return ResolveRoutes(request.Model).Where(r => r.Descriptor.Supports(needed) && !IsOpen(r, now, out _)).ToArray();
    }

    /// <inheritdoc/>
    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ImageRequestValidator.ValidateArguments(request);
        long started = _timeProvider.GetTimestamp();
        var routes = ResolveRoutes(request.Model);
        if (routes.Count == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, $"'{request.Model}' is neither a route nor an alias of this router. Routes: {string.Join(", ", AllRoutes().Select(r => r.Name).Distinct())}; aliases: {(_aliases.Count == 0 ? "none" : string.Join(", ", _aliases.Keys))}.") { Provider = RouterName };
        }

        var needed = ImageRequestValidator.RequiredCapability(request.Operation);
        var attempts = new List<RouteAttempt>();
        var failures = new List<ImageGenerationException>();
        foreach (var route in routes)
        {
            var descriptor = route.Descriptor;
            if (!descriptor.Supports(needed))
            {
                attempts.Add(new RouteAttempt(route.Provider, route.Model, RouteAttemptOutcome.Skipped) { Reason = $"model lacks {needed}" });
                continue;
            }

            if (IsOpen(route, _timeProvider.GetUtcNow(), out var openUntil))
            {
                attempts.Add(new RouteAttempt(route.Provider, route.Model, RouteAttemptOutcome.Skipped)
                {
                    Reason = string.Create(CultureInfo.InvariantCulture, $"circuit open until {openUntil:u} after repeated failures"),
                });
                continue;
            }

            long attemptStarted = _timeProvider.GetTimestamp();
            var routed = request with { Model = route.Model };
            try
            {
                var result = await ImageBatch.RunAsync(routed, descriptor.MaxImagesPerCall, route.Generator.GenerateAsync, _timeProvider, cancellationToken: cancellationToken).ConfigureAwait(false);
                RecordSuccess(route);
                attempts.Add(new RouteAttempt(route.Provider, route.Model, RouteAttemptOutcome.Succeeded) { Elapsed = _timeProvider.GetElapsedTime(attemptStarted) });
                return result with { Attempts = [.. result.Attempts, .. attempts], Elapsed = _timeProvider.GetElapsedTime(started) };
            }
            catch (ImageGenerationException ex)
            {
                attempts.Add(new RouteAttempt(route.Provider, route.Model, RouteAttemptOutcome.Failed)
                {
                    ErrorKind = ex.Kind,
                    Reason = Shorten(ex.Message),
                    Elapsed = _timeProvider.GetElapsedTime(attemptStarted),
                });
                failures.Add(ex);
                bool movesOn = _options.MovesOn(ex.Kind);
                if (movesOn)
                {
                    RecordFailure(route);
                }

                if (!movesOn)
                {
                    ex.Attempts = attempts;
                    throw;
                }
            }
        }

        throw AllFailed(request, attempts, failures);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        foreach (var route in AllRoutes())
        {
            if (route.Generator.GetService(serviceType, serviceKey) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Shorten(string message) => message.Length <= 300 ? message : string.Concat(message.AsSpan(0, 300), "…");

    private static ImageModelDescriptor Union(string id, IReadOnlyList<ImageRoute> routes) => routes.Count == 0
        ? ImageModelDescriptor.Permissive(id)
        : new ImageModelDescriptor(id, routes.Aggregate(ImageCapabilities.None, (all, r) => all | r.Descriptor.Capabilities))
        {
            MaxImagesPerCall = routes.Max(r => r.Descriptor.MaxImagesPerCall),
        };

    private IEnumerable<ImageRoute> AllRoutes() => _routes.Concat(_aliases.Values.SelectMany(r => r));

    private IReadOnlyList<ImageRoute> ResolveRoutes(string? model)
    {
        if (model is null)
        {
            return _routes;
        }

        if (_aliases.TryGetValue(model, out var aliased))
        {
            return aliased;
        }

        var known = AllRoutes().ToArray();
        var byName = known.Where(r => string.Equals(r.Name, model, StringComparison.OrdinalIgnoreCase)).Take(1).ToArray();
        if (byName.Length > 0)
        {
            return byName;
        }

        var (provider, providerModel) = ImageRoute.Parse(model);
        if (providerModel is not null && known.FirstOrDefault(r => string.Equals(r.Provider, provider, StringComparison.OrdinalIgnoreCase)) is { } sameProvider)
        {
            return [new ImageRoute(sameProvider.Generator, providerModel, sameProvider.Provider)];
        }

        return known.Where(r => string.Equals(r.Model, model, StringComparison.OrdinalIgnoreCase)).DistinctBy(r => r.Name).ToArray();
    }

    private bool IsOpen(ImageRoute route, DateTimeOffset now, out DateTimeOffset openUntil)
    {
        lock (_gate)
        {
            if (_circuits.TryGetValue(route.Name, out var state) && state.OpenUntil is { } until && until > now)
            {
                openUntil = until;
                return true;
            }
        }

        openUntil = default;
        return false;
    }

    private void RecordSuccess(ImageRoute route)
    {
        lock (_gate)
        {
            _circuits.Remove(route.Name);
        }
    }

    private void RecordFailure(ImageRoute route)
    {
        if (_options.CircuitFailureThreshold == 0)
        {
            return;
        }

        lock (_gate)
        {
            _circuits.TryGetValue(route.Name, out var state);
            int failures = state.Failures + 1;
            // After the cool-down one call is let through; failing again re-opens the circuit at once.
            _circuits[route.Name] = failures >= _options.CircuitFailureThreshold
                ? (failures, _timeProvider.GetUtcNow() + _options.CircuitCooldown)
                : (failures, null);
        }
    }

    private static ImageGenerationException AllFailed(ImageGenerationRequest request, List<RouteAttempt> attempts, List<ImageGenerationException> failures)
    {
        var summary = string.Join("; ", attempts.Select(a => a.Outcome == RouteAttemptOutcome.Skipped
            ? $"{a.Provider}/{a.Model}: skipped ({a.Reason})"
            : $"{a.Provider}/{a.Model}: {a.ErrorKind} ({a.Reason})"));
        var kind = failures.Count > 0 ? failures[^1].Kind
            : attempts.All(a => a.Reason?.StartsWith("model lacks", StringComparison.Ordinal) == true) ? ImageGenerationErrorKind.InvalidRequest
            : ImageGenerationErrorKind.ProviderUnavailable;
        return new ImageGenerationException(kind, $"Every route failed for ImageOperation.{request.Operation}: {summary}")
        {
            Provider = RouterName,
            IsTransient = failures.Count == 0 ? kind != ImageGenerationErrorKind.InvalidRequest : failures.Any(f => f.IsTransient),
            RetryAfter = failures.Where(f => f.RetryAfter is not null).Select(f => f.RetryAfter).Min(),
            StatusCode = failures.Count > 0 ? failures[^1].StatusCode : null,
            Attempts = attempts,
        };
    }
}
