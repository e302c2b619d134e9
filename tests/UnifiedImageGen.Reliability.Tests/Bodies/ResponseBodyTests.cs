using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Emulator;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Bodies;

/// <summary>
/// Issue 19, response bodies: each promise is run through the DI pipeline (provider route, then the placeholder as
/// fallback, cost tracking) against the emulator over loopback on a manual clock, and the table in the "bodies"
/// section of docs/reliability.md is written from what happened.
/// </summary>
public sealed class ResponseBodyTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    // Lengths no backoff or poll interval takes, so the clock can tell the guards from the waits.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(31);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(307);

    private const string Intro = """
        ## Response bodies

        A provider's answer is more than its headers. Each row below was run by `ResponseBodyTests` through the DI
        pipeline (`AddImageGeneration().Add{Provider}(...)`, `.UseFallback("{provider}/{model}", "placeholder")`,
        `.UseCostTracking()`) against the emulator over loopback, on a manual clock (a body that drips for minutes
        costs no real time); the last column is what the call returned or threw, with the clock's reading when it
        matters. Bodies grow in pooled buffers as bytes arrive, so a `Content-Length` is checked against the cap but
        never trusted for an allocation; every image, whether it came in a base64 field, as a raw body or as a
        download, is checked by `ImageValidator` (magic bytes plus the container's structure) before it is returned.
        """;

    private static readonly ProviderUnderTest OpenAI = ProviderUnderTest.All.Single(p => p.Label == "OpenAI");
    private static readonly ProviderUnderTest StabilityRaw = ProviderUnderTest.All.Single(p => p.Label == "Stability (image/*)");
    private static readonly ProviderUnderTest Ideogram = ProviderUnderTest.All.Single(p => p.Label == "Ideogram");

    [Fact]
    public async Task Bodies_AreBoundedByTheTimeouts_BrokenDownloadsFallBack_NonImagesAreRefused_AndDocsShowIt()
    {
        var rows = new List<(string Promise, string Attack, string Outcome)>();

        // Attempt timeout: headers at once, then one byte a second, then nothing.
        var dripped = await RunAsync(OpenAI, [new FaultRule("openai", EmulatedOperation.Submit, FaultKind.Drip)], AttemptTimeout, TotalTimeout);
        Assert.Equal("placeholder", dripped.Result?.Provider);
        Assert.Equal(ImageGenerationErrorKind.Timeout, dripped.Result!.Attempts[0].ErrorKind);
        Assert.Equal(AttemptTimeout, dripped.Clock);
        rows.Add(("A response body is read within the attempt timeout", $"OpenAI sends its headers, then one byte a second for {ProviderEmulator.DripSeconds} s, then nothing (attempt timeout {Seconds(AttemptTimeout)})", dripped.Describe()));

        // Total timeout: a 429 and a one-second Retry-After use up part of the call, so less than an attempt remains.
        var total = TimeSpan.FromSeconds(31.5);
        var late = await RunAsync(
            OpenAI,
            [new FaultRule("openai", EmulatedOperation.Submit, FaultKind.RateLimitedSeconds), new FaultRule("openai", EmulatedOperation.Submit, FaultKind.Drip) { Ordinal = 2 }],
            AttemptTimeout,
            total);
        Assert.Equal("placeholder", late.Result?.Provider);
        Assert.Equal(ImageGenerationErrorKind.Timeout, late.Result!.Attempts[0].ErrorKind);
        Assert.Equal(total, late.Clock);
        rows.Add(("A response body is read within the total timeout, retries included", $"OpenAI answers 429 with `Retry-After: 1`, then the retry's body drips (attempt timeout {Seconds(AttemptTimeout)}, total {Seconds(total)})", late.Describe()));

        // A download whose connection breaks halfway through the image.
        var broken = await RunAsync(Ideogram, [new FaultRule("ideogram", EmulatedOperation.Download, FaultKind.ResetMidBody)], AttemptTimeout, TotalTimeout);
        Assert.Equal("placeholder", broken.Result?.Provider);
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, broken.Result!.Attempts[0].ErrorKind);
        rows.Add(("A download that breaks mid-body is a transient error the router falls back on", "Ideogram's image URL sends half the image, then resets the connection", broken.Describe()));

        // Bytes that are not an image, in each place an image arrives.
        foreach (var (provider, where, operation) in new[]
        {
            (OpenAI, "an OpenAI `b64_json` field", EmulatedOperation.Submit),
            (StabilityRaw, "a Stability `image/*` body", EmulatedOperation.Submit),
            (Ideogram, "an Ideogram image download", EmulatedOperation.Download),
        })
        {
            var outcomes = new List<string>();
            foreach (var (fault, what) in new[] { (FaultKind.HtmlImage, "HTML"), (FaultKind.ZeroImage, "zeros"), (FaultKind.TruncatedImage, "half a PNG") })
            {
                var run = await RunAsync(provider, [new FaultRule(provider.Emulated, operation, fault)], AttemptTimeout, TotalTimeout);
                Assert.True(run.Error is { Kind: ImageGenerationErrorKind.UnexpectedResponse } && run.Error.Message.Contains("not an image", StringComparison.Ordinal), $"{provider} {fault}: {run.Result?.Provider} {run.Error}");
                outcomes.Add($"{what}: {run.Describe()}");
            }

            rows.Add(("An image that is not an image is refused, never returned as a PNG", $"{where} carries HTML, zeros, or a PNG cut in half", string.Join("; ", outcomes)));
        }

        // A 60 MB Content-Length in front of a 10-byte body allocates nothing near 60 MB.
        long allocated = AllocatedForHugeLengthTinyBody(out var huge);
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, huge.Kind);
        Assert.True(allocated < 1024 * 1024, $"The call allocated {allocated:N0} bytes.");
        rows.Add(("Buffers grow as bytes arrive, up to the cap", "OpenAI announces `Content-Length: 60000000` and sends 10 bytes", $"error {huge.Kind} (transient: {huge.IsTransient.ToString().ToLowerInvariant()}); the call allocated under 1 MiB"));

        var table = new StringBuilder(Intro).Append("\n\n");
        table.Append("| promise | attack or mishap | what happened |\n|---|---|---|\n");
        foreach (var (promise, attack, outcome) in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {promise} | {attack} | {outcome} |\n");
        }

        await ReliabilityDoc.CheckSectionAsync("bodies", table.ToString());
    }

    private async Task<Run> RunAsync(ProviderUnderTest provider, FaultRule[] faults, TimeSpan attemptTimeout, TimeSpan totalTimeout)
    {
        var emulator = fixture.Emulator;
        var drain = System.Diagnostics.Stopwatch.StartNew();
        while (emulator.Traffic.Stalled > 0 && drain.Elapsed < TestTimeouts.Hang)
        {
            await Task.Delay(5);
        }

        emulator.Reset();
        var manual = new ManualTimeProvider();
        var time = new LoopbackClock(manual, attemptTimeout, totalTimeout);
        emulator.TimeProvider = time;
        foreach (var fault in faults)
        {
            emulator.Faults.Add(fault);
        }

        var counter = new InFlightCounter();
        await using var services = EmulatedPipeline.Build(
            emulator,
            [provider],
            time,
            counter,
            resilience =>
            {
                resilience.AttemptTimeout = attemptTimeout;
                resilience.TotalTimeout = totalTimeout;
            },
            routing => routing.Routes.AddRange([provider.Route, PlaceholderImageGenerator.ProviderName]));
        var generator = services.GetRequiredService<IImageGenerator>();
        var started = time.GetUtcNow();
        try
        {
            // A dripping answer has its headers: it waits on its body, not in the attempt counter, and may be timed out.
            var result = await time.RunAsync(
                generator.GenerateAsync(new ImageGenerationRequest("a lighthouse at dusk")),
                () => counter.Count + emulator.Traffic.Dripping,
                () => emulator.Traffic.Stalled);
            return new Run(result, null, time.GetUtcNow() - started);
        }
        catch (ImageGenerationException ex)
        {
            return new Run(null, ex, time.GetUtcNow() - started);
        }
    }

    // Synchronous end to end (an in-memory answer), so the thread's allocation counter sees the whole call.
    private static long AllocatedForHugeLengthTinyBody(out ImageGenerationException error)
    {
        var services = new ServiceCollection();
        services.AddImageGeneration()
            .AddOpenAI(o => o.ApiKey = "sk-test", configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => new HugeLengthHandler()))
            .ConfigureResilience(null, r => r.MaxRetryAttempts = 0);
        using var provider = services.BuildServiceProvider();
        var openai = provider.GetRequiredKeyedService<IImageGenerator>("openai");
        var request = new ImageGenerationRequest("a red fox in snow") { Model = OpenAIModels.GptImage1 };
        Catch(openai.GenerateAsync(request)); // warms up statics, the JIT and the pools
        long before = GC.GetAllocatedBytesForCurrentThread();
        error = Catch(openai.GenerateAsync(request));
        return GC.GetAllocatedBytesForCurrentThread() - before;

        static ImageGenerationException Catch(Task<ImageGenerationResult> call)
        {
            Assert.True(call.IsCompleted, "The call did not complete synchronously, so allocations on other threads would be missed.");
            return Assert.IsType<ImageGenerationException>(call.Exception?.InnerException);
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private sealed record Run(ImageGenerationResult? Result, ImageGenerationException? Error, TimeSpan Clock)
    {
        public string Describe() => Result is { } result
            ? $"fallback ({result.Attempts[0].ErrorKind}) to {result.Provider} at {Seconds(Clock)} on the clock"
            : $"error {Error!.Kind}";
    }

    private sealed class HugeLengthHandler : HttpMessageHandler
    {
        private static readonly byte[] Ten = Encoding.ASCII.GetBytes("{\"data\":[{");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new MemoryStream(Ten));
            content.Headers.ContentType = new("application/json");
            content.Headers.ContentLength = 60_000_000;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
