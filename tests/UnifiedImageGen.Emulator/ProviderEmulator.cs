using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Emulator.Images;
using UnifiedImageGen.Emulator.Providers.AdobeFirefly;
using UnifiedImageGen.Emulator.Providers.BlackForestLabs;
using UnifiedImageGen.Emulator.Providers.ComfyUI;
using UnifiedImageGen.Emulator.Providers.Fal;
using UnifiedImageGen.Emulator.Providers.Google;
using UnifiedImageGen.Emulator.Providers.Ideogram;
using UnifiedImageGen.Emulator.Providers.Leonardo;
using UnifiedImageGen.Emulator.Providers.OpenAI;
using UnifiedImageGen.Emulator.Providers.Replicate;
using UnifiedImageGen.Emulator.Providers.StabilityAI;
using UnifiedImageGen.Emulator.Traffic;

namespace UnifiedImageGen.Emulator;

/// <summary>
/// The providers' APIs on one loopback Kestrel server (127.0.0.1, a random port): each provider under <c>/{name}/</c>,
/// the images it hands out as URLs under <c>/files/{name}/</c>. Faults are scheduled per provider, operation and
/// request ordinal in <see cref="Faults"/>; what arrived is counted in <see cref="Traffic"/>.
/// </summary>
public sealed class ProviderEmulator : IAsyncDisposable
{
    /// <summary>The size an <see cref="FaultKind.OversizedBody"/> answer announces: above every SDK limit.</summary>
    public const long OversizedLength = 4L * 1024 * 1024 * 1024;

    /// <summary>How many seconds a <see cref="FaultKind.Drip"/> answer drips a byte before it stalls.</summary>
    public const int DripSeconds = 10;

    private readonly WebApplication _app;
    private readonly Dictionary<string, EmulatedProvider> _providers;

    private ProviderEmulator(WebApplication app, IEnumerable<EmulatedProvider> providers)
    {
        _app = app;
        _providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>The emulator's base address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The faults to inject.</summary>
    public FaultSchedule Faults { get; } = new();

    /// <summary>What arrived.</summary>
    public TrafficLog Traffic { get; } = new();

    /// <summary>The images the providers generated and delivered.</summary>
    public ImageStore Images { get; } = new();

    /// <summary>The clock <c>Retry-After</c> dates are written on: give it the SDK's clock when the test drives time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The emulated providers, by name.</summary>
    public IReadOnlyDictionary<string, EmulatedProvider> Providers => _providers;

    /// <summary>Starts an emulator of every provider it knows.</summary>
    public static async Task<ProviderEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // Stalled requests end when their client gives up; do not wait long for stragglers when stopping.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var emulator = new ProviderEmulator(app,
        [
            new OpenAIEmulator(),
            new StabilityAIEmulator(),
            new GoogleEmulator(),
            new ReplicateEmulator(),
            new FalEmulator(),
            new BlackForestLabsEmulator(),
            new IdeogramEmulator(),
            new LeonardoEmulator(),
            new AdobeFireflyEmulator(),
            new ComfyUIEmulator(),
        ]);
        emulator.Map();
        await app.StartAsync().ConfigureAwait(false);
        emulator.Address = new Uri(app.Urls.First() + "/");
        return emulator;
    }

    /// <summary>The base address to give a provider's SDK (its <c>Endpoint</c> option).</summary>
    /// <param name="provider">The provider name.</param>
    public Uri EndpointFor(string provider) => new(Address, _providers[provider].EndpointPath);

    /// <summary>Clears faults, counts, images and jobs between tests.</summary>
    public void Reset()
    {
        Faults.Clear();
        Traffic.Clear();
        Images.Clear();
        foreach (var provider in _providers.Values)
        {
            provider.Reset();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    internal async Task ExchangeAsync(EmulatedProvider provider, HttpContext context, EmulatedOperation operation, Func<FaultKind?, Task<EmulatedResponse>> answer)
    {
        int ordinal = Traffic.Begin(provider.Name, operation, context.Connection.Id);
        try
        {
            var fault = Faults.Find(provider.Name, operation, ordinal);
            switch (fault)
            {
                case FaultKind.RateLimitedSeconds:
                    await WriteAsync(context, provider.StatusError(429).WithHeader("Retry-After", "1")).ConfigureAwait(false);
                    return;
                case FaultKind.RateLimitedDate:
                    await WriteAsync(context, provider.StatusError(429).WithHeader("Retry-After", (TimeProvider.GetUtcNow() + TimeSpan.FromSeconds(2)).ToString("r"))).ConfigureAwait(false);
                    return;
                case FaultKind.BadGateway or FaultKind.ServiceUnavailable or FaultKind.GatewayTimeout when operation == EmulatedOperation.Submit && provider.GatewayErrorsAfterSubmit:
                    // The work exists; the proxy in front gave up on the held connection.
                    await answer(fault).ConfigureAwait(false);
                    await WriteAsync(context, provider.StatusError(fault switch { FaultKind.BadGateway => 502, FaultKind.ServiceUnavailable => 503, _ => 504 })).ConfigureAwait(false);
                    return;
                case FaultKind.InternalServerError or FaultKind.BadGateway or FaultKind.ServiceUnavailable or FaultKind.GatewayTimeout:
                    await WriteAsync(context, provider.StatusError(fault switch { FaultKind.InternalServerError => 500, FaultKind.BadGateway => 502, FaultKind.ServiceUnavailable => 503, _ => 504 })).ConfigureAwait(false);
                    return;
                case FaultKind.Stall:
                    await StallAsync(context).ConfigureAwait(false);
                    return;
            }

            var response = await answer(fault).ConfigureAwait(false);

            // A submit answered with a success status is work the provider accepted, and bills, whatever follows.
            // Counted before the answer goes out: the client may finish before this method runs on.
            if (operation == EmulatedOperation.Submit && (fault == FaultKind.WrongContentType || response.Status is >= 200 and < 300))
            {
                Traffic.SubmitAccepted(provider.Name);
            }

            switch (fault)
            {
                case FaultKind.ResetMidBody:
                    await StartBodyAsync(context, response, response.Body.Length, response.Body.Length / 2).ConfigureAwait(false);
                    context.Abort();
                    break;
                case FaultKind.Drip:
                    await DripAsync(context, response).ConfigureAwait(false);
                    break;
                case FaultKind.OversizedBody:
                    await StartBodyAsync(context, response, OversizedLength, response.Body.Length).ConfigureAwait(false);
                    await WaitForClientToLeaveAsync(context).ConfigureAwait(false);
                    break;
                case FaultKind.TruncatedJson:
                    await WriteAsync(context, response with { Body = response.Body[..(response.Body.Length / 2)] }).ConfigureAwait(false);
                    break;
                case FaultKind.WrongContentType:
                    await WriteAsync(context, EmulatedResponse.Text(200, "text/html", "<!DOCTYPE html><html><body><h1>Sign in to the guest network</h1></body></html>")).ConfigureAwait(false);
                    break;
                default:
                    // Recorded before the last byte goes out: the client may finish before this method runs on.
                    if (response.Images.Count > 0)
                    {
                        Images.MarkDelivered(provider.Name, response.Images);
                    }

                    await WriteAsync(context, response).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-answer; that is its business.
        }
        finally
        {
            Traffic.End();
        }
    }

    private void Map()
    {
        foreach (var provider in _providers.Values)
        {
            provider.Attach(this);
            provider.Map(_app);
        }

        // Images handed out as URLs, as a provider's CDN serves them (and expires them).
        _app.MapGet("/files/{provider}/{file}", (HttpContext context, string provider, string file) =>
            !_providers.TryGetValue(provider, out var owner)
                ? Task.CompletedTask
                : ExchangeAsync(owner, context, EmulatedOperation.Download, fault => Task.FromResult(fault switch
                {
                    FaultKind.ImageUrlNotFound => EmulatedResponse.Text(404, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"),
                    FaultKind.ImageUrlExpired => EmulatedResponse.Text(403, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"),
                    _ when Images.TryGet(provider + "/" + file, out var data) => new EmulatedResponse(200, "image/png", EmulatedProvider.Payload(fault, data)) { Images = EmulatedProvider.IsNonImage(fault) ? [] : [data] },
                    _ => EmulatedResponse.Text(404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>"),
                })));
    }

    private async Task StallAsync(HttpContext context)
    {
        Traffic.StallStarted();
        try
        {
            await WaitForClientToLeaveAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Traffic.StallEnded();
        }
    }

    private async Task DripAsync(HttpContext context, EmulatedResponse response)
    {
        // Read before the drip counts as stalled (from then on a test's clock may jump): byte n is due n seconds after
        // the headers in absolute time, so a clock that jumps ahead never finds a drip timer beyond the last one.
        var headersSent = TimeProvider.GetUtcNow();
        await StartBodyAsync(context, response, response.Body.Length, 1).ConfigureAwait(false);
        Traffic.DripStarted();
        Traffic.StallStarted();
        try
        {
            for (int sent = 1; sent <= DripSeconds && sent < response.Body.Length; sent++)
            {
                var wait = headersSent + TimeSpan.FromSeconds(sent) - TimeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, TimeProvider, context.RequestAborted).ConfigureAwait(false);
                }

                await context.Response.Body.WriteAsync(response.Body.AsMemory(sent, 1), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }

            await WaitForClientToLeaveAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Traffic.StallEnded();
            Traffic.DripEnded();
        }
    }

    private static async Task WaitForClientToLeaveAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task StartBodyAsync(HttpContext context, EmulatedResponse response, long announced, int written)
    {
        SetHeaders(context, response);
        context.Response.ContentLength = announced;
        await context.Response.Body.WriteAsync(response.Body.AsMemory(0, written), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, EmulatedResponse response)
    {
        SetHeaders(context, response);
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    private static void SetHeaders(HttpContext context, EmulatedResponse response)
    {
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }
    }
}
