using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.BlackForestLabs;
using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Webhooks;

/// <summary>
/// Issue 18: a BFL submit with a webhook answers <c>AsyncWebhookResponse</c> without <c>polling_url</c>
/// (bfl-openapi.json; PROVIDERS.md 13.7). Through the whole pipeline the job starts with the task id (the id a delivery
/// names), a wait on that id and a blocking call both finish by polling <c>GET /v1/get_result?id=</c>, one submit each.
/// </summary>
public sealed class BlackForestLabsWebhookModeTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    // Lengths no poll interval takes, so the clock tells the resilience guards from the waits (as MatrixRunner does).
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(31);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(307);
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task WebhookMode_StartsWithTheTaskId_AndGenerateAsyncPollsGetResult()
    {
        var emulator = fixture.Emulator;
        emulator.Reset();
        var time = new LoopbackClock(new ManualTimeProvider(), AttemptTimeout, TotalTimeout, CancelTimeout);
        emulator.TimeProvider = time;
        var counter = new InFlightCounter();
        var provider = ProviderUnderTest.All.Single(p => p.Emulated == "bfl");
        await using var services = EmulatedPipeline.Build(
            emulator,
            [provider],
            time,
            counter,
            resilience => (resilience.AttemptTimeout, resilience.TotalTimeout) = (AttemptTimeout, TotalTimeout),
            routing => routing.Routes.Add(provider.Route));
        var webhook = new BlackForestLabsRequestOptions { WebhookUrl = new Uri("https://hooks.example.com/bfl"), WebhookSecret = "whsec-emulated" };
        var request = new ImageGenerationRequest("a lighthouse at dusk").WithProviderOptions("bfl", webhook);

        var jobs = services.GetRequiredKeyedService<IImageJobGenerator>(provider.Registration);

        var job = await jobs.StartAsync(request);
        var resumed = await time.RunAsync(jobs.WaitForCompletionAsync(job.Id), () => counter.Count, () => emulator.Traffic.Stalled);
        var result = await time.RunAsync(services.GetRequiredService<IImageGenerator>().GenerateAsync(request), () => counter.Count, () => emulator.Traffic.Stalled);

        Assert.True(Guid.TryParse(job.Id, out _), job.Id); // the bare task id, not a polling URL
        Assert.Equal(job.Id, resumed.ProviderRequestId); // ResultResponse.id of get_result?id=<job id>: the same task
        Assert.All(new[] { resumed, result }, r => Assert.NotEmpty(r.Image.Data.ToArray()));
        Assert.Equal("bfl", result.Provider);
        Assert.Equal(2, emulator.Traffic.Count("bfl", EmulatedOperation.Submit)); // no resubmit after the polling_url-less answer
        Assert.True(emulator.Traffic.Count("bfl", EmulatedOperation.Poll) >= 2);
    }
}
