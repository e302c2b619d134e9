using UnifiedImageGen.Costs;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Emulator;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Matrix;

/// <summary>Runs one cell: a fresh pipeline on a manual clock, the fault scheduled, one call, and what everyone saw.</summary>
// Sources: PROVIDERS.md 1.1 (spec: openai-python _base_client.py retry rules) and 13.5 (a create that may have started
// billable work is never retried), which the counted billable submits of each cell encode.
internal static class MatrixRunner
{
    // Lengths no backoff or poll interval takes, so the clock can tell the resilience guards from the waits.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(31);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(307);

    // The bound JobImageGeneratorBase puts on its best-effort cancel: a guard too, so the clock never fires it while
    // the cancel request is still on its way to the emulator.
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(15);

    // An input image turns the call into image-to-image, which for Firefly means an upload first
    // (POST /v2/storage/image, upload_image.json; PROVIDERS.md 13.10). The wire protocols are the emulator's, which cites them.
    private static ImageGenerationRequest Request(ProviderUnderTest provider) => provider.Input is { } input
        ? new ImageGenerationRequest("a lighthouse at dusk") { Operation = ImageOperation.ImageToImage, InputImages = [input] }
        : new ImageGenerationRequest("a lighthouse at dusk");

    public static async Task<CellResult> RunAsync(ProviderEmulator emulator, MatrixCell cell)
    {
        // A request the previous cell stalled ends when the server notices the abort, which can lag on a busy
        // machine; until then it would count as stalled in this cell and let the clock jump to a guard.
        var drain = Stopwatch.StartNew();
        while (emulator.Traffic.Stalled > 0 && drain.Elapsed < TestTimeouts.Hang)
        {
            await Task.Delay(5);
        }

        emulator.Reset();
        var time = new LoopbackClock(new ManualTimeProvider(), AttemptTimeout, TotalTimeout, CancelTimeout);
        emulator.TimeProvider = time;
        if (cell.Rule is { } rule)
        {
            emulator.Faults.Add(rule);
        }

        var counter = new InFlightCounter();
        await using var services = EmulatedPipeline.Build(
            emulator,
            [cell.Provider],
            time,
            counter,
            resilience =>
            {
                resilience.AttemptTimeout = AttemptTimeout;
                resilience.TotalTimeout = TotalTimeout;
            },
            routing => routing.Routes.AddRange([cell.Provider.Route, PlaceholderImageGenerator.ProviderName]));
        var generator = services.GetRequiredService<IImageGenerator>();

        ImageGenerationResult? result = null;
        ImageGenerationException? error = null;
        try
        {
            result = await time.RunAsync(generator.GenerateAsync(Request(cell.Provider)), () => counter.Count, () => emulator.Traffic.Stalled);
        }
        catch (ImageGenerationException ex)
        {
            error = ex;
        }

        string name = cell.Provider.Emulated;
        var estimate = services.GetRequiredService<IPriceCatalog>().Estimate(name, cell.Provider.Model, Request(cell.Provider));
        return new CellResult(
            cell,
            result,
            error,
            emulator.Traffic.Count(name, EmulatedOperation.Submit),
            emulator.Traffic.Count(name, EmulatedOperation.Cancel),
            emulator.Traffic.Accepted(name),
            estimate?.EstimatedUsd ?? 0m,
            emulator.Images.Delivered(name),
            await EmulatedPipeline.SingleLedgerEntryAsync(services));
    }
}
