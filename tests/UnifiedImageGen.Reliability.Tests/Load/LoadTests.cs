using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Testing;
using Xunit.Abstractions;

namespace UnifiedImageGen.Reliability.Tests.Load;

/// <summary>
/// Many calls at once through the routed pipeline (fallback + cost tracking) against the emulator on the real clock,
/// with every 20th submit per provider answered 503: every call must end typed, the thread pool must keep up, the
/// connection pools must stay bounded, and memory must come back after the run.
/// </summary>
[Trait("Category", "Load")]
public sealed class LoadTests(EmulatorFixture fixture, ITestOutputHelper output) : IClassFixture<EmulatorFixture>
{
    private const int Concurrency = 200;
    private static readonly TimeSpan StarvedTimerLateness = TimeSpan.FromSeconds(10);

    [Fact]
    public Task Generate_2000CallsAt200Concurrent_EndTypedWithoutStarvationSocketExhaustionOrLeaks() =>
        RunAsync(calls: 2000, duration: null);

    [SoakFact]
    public Task Generate_ForSixtySeconds_StaysHealthy() =>
        RunAsync(calls: int.MaxValue, duration: TimeSpan.FromSeconds(60));

    private async Task RunAsync(int calls, TimeSpan? duration)
    {
        var emulator = fixture.Emulator;
        emulator.Reset();
        emulator.TimeProvider = TimeProvider.System;
        foreach (string provider in ProviderUnderTest.All.Select(p => p.Emulated).Distinct())
        {
            emulator.Faults.Add(new FaultRule(provider, EmulatedOperation.Submit, FaultKind.ServiceUnavailable) { Every = 20 });
        }

        // One alias per provider, each falling back to the placeholder, so the load spreads over every protocol.
        string[] aliases = ProviderUnderTest.All.Select(p => "via-" + p.Registration).ToArray();
        await using var services = EmulatedPipeline.Build(
            emulator,
            ProviderUnderTest.All,
            time: null,
            counter: null,
            resilience =>
            {
                resilience.BaseDelay = TimeSpan.FromMilliseconds(5);
                resilience.MaxDelay = TimeSpan.FromMilliseconds(50);
                // Generous: the faults are 503s, not hangs, and a busy CI machine must not turn slowness into timeouts.
                resilience.AttemptTimeout = TestTimeouts.Hang;
                resilience.TotalTimeout = 2 * TestTimeouts.Hang;
            },
            routing =>
            {
                routing.Routes.Add(PlaceholderImageGenerator.ProviderName);
                foreach (var provider in ProviderUnderTest.All)
                {
                    routing.Aliases["via-" + provider.Registration] = [provider.Route, PlaceholderImageGenerator.ProviderName];
                }
            });
        var generator = services.GetRequiredService<IImageGenerator>();
        var ledger = services.GetRequiredService<ICostLedger>();

        // Warm up at full concurrency (JIT, thread-pool growth, connection pools), then count afresh and take the memory baseline.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, 2 * Concurrency),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
            async (i, ct) => await generator.GenerateAsync(new ImageGenerationRequest("warm-up") { Model = aliases[i % aliases.Length] }, ct));
        int warmUpConnections = emulator.Traffic.TotalConnections;
        emulator.Traffic.Clear();
        long baseline = ForcedGcBytes();
        int warmUpEntries = (await ledger.GetEntriesAsync(new CostQuery())).Count;

        var byProvider = new ConcurrentDictionary<string, int>();
        var typedErrors = new ConcurrentDictionary<ImageGenerationErrorKind, int>();
        var untyped = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var lateness = MeasureLatenessAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        int started = 0;

        await Parallel.ForEachAsync(
            Indices(calls, duration, clock),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
            async (i, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    var result = await generator.GenerateAsync(new ImageGenerationRequest("load " + i) { Model = aliases[i % aliases.Length] }, ct);
                    Assert.NotEmpty(result.Images);
                    byProvider.AddOrUpdate(result.Provider, 1, (_, n) => n + 1);
                }
                catch (ImageGenerationException ex)
                {
                    typedErrors.AddOrUpdate(ex.Kind, 1, (_, n) => n + 1);
                }
                catch (Exception ex)
                {
                    untyped.Add(ex.GetType().Name);
                }
            });

        clock.Stop();
        await stop.CancelAsync();
        var maxLateness = await lateness;
        long after = ForcedGcBytes();
        var entries = await ledger.GetEntriesAsync(new CostQuery());

        output.WriteLine($"{started} calls in {clock.Elapsed.TotalSeconds:0.0} s at {Concurrency} concurrent; results by provider: {string.Join(", ", byProvider.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}; typed errors: {(typedErrors.IsEmpty ? "none" : string.Join(", ", typedErrors.Select(e => $"{e.Key} {e.Value}")))}.");
        output.WriteLine($"Emulator: {emulator.Traffic.TotalRequests} requests on {emulator.Traffic.TotalConnections} connections, peak {emulator.Traffic.PeakConcurrentRequests} at once. Timer lateness max {maxLateness.TotalMilliseconds:0} ms. Memory after forced GC: {baseline / 1024 / 1024} MiB before, {after / 1024 / 1024} MiB after.");
        output.WriteLine($"Warm-up opened {warmUpConnections} connections. Connections by provider during the run: " + string.Join(", ", ProviderUnderTest.All.Select(p => p.Emulated).Distinct().Select(p => $"{p} {emulator.Traffic.Connections(p)} for {emulator.Traffic.Count(p)} requests")));

        Assert.Empty(untyped);
        Assert.Equal(started, byProvider.Values.Sum() + typedErrors.Values.Sum());
        // 503 on a submit is retried, so the injected faults cost no call.
        Assert.True(typedErrors.IsEmpty, "Calls failed under transient faults alone.");
        Assert.Equal(started + warmUpEntries, entries.Count);
        Assert.DoesNotContain(entries, e => e.Status != CostEntryStatus.Settled);
        // A starvation detector, not a speed target: blocking calls on 200 pool threads delay a timer by many seconds
        // (the pool adds about two threads a second), a busy but healthy machine by far less.
        Assert.True(maxLateness < StarvedTimerLateness, $"A 20 ms timer ran {maxLateness.TotalMilliseconds:0} ms late: the thread pool was starved.");
        Assert.True(emulator.Traffic.TotalConnections <= 2 * Concurrency, $"{emulator.Traffic.TotalConnections} connections for {Concurrency} concurrent calls: sockets are not being reused.");
        Assert.True(after - baseline < 48L * 1024 * 1024, $"Memory grew by {(after - baseline) / 1024 / 1024} MiB over the run and stayed after a forced GC.");
    }

    private static IEnumerable<int> Indices(int calls, TimeSpan? duration, Stopwatch clock)
    {
        for (int i = 0; i < calls && (duration is null || clock.Elapsed < duration); i++)
        {
            yield return i;
        }
    }

    // How late a 20 ms timer fires while the load runs: a starved thread pool shows as lateness.
    private static async Task<TimeSpan> MeasureLatenessAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(20);
        var worst = TimeSpan.Zero;
        var watch = new Stopwatch();
        while (!cancellationToken.IsCancellationRequested)
        {
            watch.Restart();
            try
            {
                await Task.Delay(period, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var late = watch.Elapsed - period;
            worst = late > worst ? late : worst;
        }

        return worst;
    }

    private static long ForcedGcBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
