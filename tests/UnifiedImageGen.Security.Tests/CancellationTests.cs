using System.Diagnostics;
using UnifiedImageGen.Security.Tests.Harness;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Security.Tests;

/// <summary>
/// Cancelling a call at every stage (queued and waiting for the next poll, a status call in flight, the result
/// download in flight) ends it at once, without the clock moving; a job provider then calls its provider's cancel
/// endpoint so nobody pays for abandoned work, every response is disposed, and nothing polls afterwards.
/// </summary>
public class CancellationTests
{
    public enum Stage
    {
        Queued,
        StatusInFlight,
        Downloading,
    }

    public static TheoryData<string, Stage> JobStages()
    {
        var data = new TheoryData<string, Stage>();
        foreach (string provider in ProviderHost.JobProviders)
        {
            foreach (var stage in Enum.GetValues<Stage>())
            {
                data.Add(provider, stage);
            }
        }

        return data;
    }

    // The provider's answer while the job is not finished.
    private static HttpResponseMessage? Pending(string provider, HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        string path = uri.AbsolutePath;
        bool get = request.Method == HttpMethod.Get;
        return provider switch
        {
            "replicate" when !path.EndsWith("/cancel", StringComparison.Ordinal) => FakeProviderServer.Json("""{"id":"ufawqhfynnddngldkgtslldrkq","model":"black-forest-labs/flux-schnell","status":"starting","output":null,"error":null,"logs":""}"""),
            "fal" when get && path.EndsWith("/status", StringComparison.Ordinal) => FakeProviderServer.Json("""{"status":"IN_QUEUE","request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","queue_position":3}"""),
            "bfl" when get => FakeProviderServer.Json("""{"id":"e8a7f3c2","status":"Pending","result":null,"progress":0.1}"""),
            "leonardo" when get => FakeProviderServer.Json("""{"generations_by_pk":{"id":"gen-1","status":"PENDING","generated_images":[]}}"""),
            "firefly" when get && path.Contains("/status/", StringComparison.Ordinal) => FakeProviderServer.Json("""{"jobId":"urn:ff:jobs:abc123","status":"pending"}"""),
            "comfyui" when get && path.Contains("/history/", StringComparison.Ordinal) => FakeProviderServer.Json("{}"),
            "comfyui" when get && path.EndsWith("/queue", StringComparison.Ordinal) => FakeProviderServer.Json("""{"queue_running":[],"queue_pending":[[1,"p-1",{},{},[]]]}"""),
            _ => null,
        };
    }

    private static bool IsStatusCall(string provider, HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && provider switch
        {
            "replicate" => request.RequestUri!.AbsolutePath.Contains("/predictions/", StringComparison.Ordinal),
            "fal" => request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal),
            "bfl" => request.RequestUri!.AbsolutePath.Contains("get_result", StringComparison.Ordinal),
            "leonardo" => request.RequestUri!.AbsolutePath.Contains("/generations/", StringComparison.Ordinal),
            "firefly" => request.RequestUri!.AbsolutePath.Contains("/status/", StringComparison.Ordinal),
            "comfyui" => request.RequestUri!.AbsolutePath.Contains("/history/", StringComparison.Ordinal),
            _ => false,
        };

    private static bool IsDownload(string provider, HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && (provider == "comfyui" ? request.RequestUri!.AbsolutePath.EndsWith("/view", StringComparison.Ordinal) : request.RequestUri!.Host == "cdn.example.com");

    private static async Task<HttpResponseMessage> Stall(TaskCompletionSource reached, CancellationToken cancellationToken)
    {
        reached.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new UnreachableException();
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TestTimeouts.Hang, $"timed out waiting until {what}");
            await Task.Delay(1);
        }
    }

    [Theory]
    [MemberData(nameof(JobStages))]
    public async Task CancellingAJob_EndsAtOnce_CancelsAtTheProvider_AndStopsPolling(string provider, Stage stage)
    {
        using var host = new ProviderHost(provider);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool cancelling = false;
        host.Server.Override = (request, ct) =>
        {
            if (cancelling)
            {
                return null; // the cancel call and anything after it get the emulator's normal answers
            }

            switch (stage)
            {
                case Stage.StatusInFlight when IsStatusCall(provider, request):
                case Stage.Downloading when IsDownload(provider, request):
                    return Stall(reached, ct);
                case Stage.Queued or Stage.StatusInFlight when Pending(provider, request) is { } pending:
                    return Task.FromResult(pending);
                default:
                    return null;
            }
        };

        using var cts = new CancellationTokenSource();
        var call = host.Provider.GenerateAsync(ProviderHost.Valid(provider), cts.Token);
        if (stage == Stage.Queued)
        {
            await WaitUntil(() => host.Time.NextTimerWithin(TimeSpan.FromSeconds(5)) is not null || call.IsCompleted, "the job waits for its next poll");
        }
        else
        {
            // Let polls run on the manual clock until the stalled call is in flight.
            await WaitUntil(() =>
            {
                if (!reached.Task.IsCompleted && host.Time.NextTimerWithin(TimeSpan.FromSeconds(5)) is { } wait)
                {
                    host.Time.Advance(wait);
                }

                return reached.Task.IsCompleted || call.IsCompleted;
            }, $"the {stage} call is in flight");
        }

        Assert.False(call.IsCompleted, $"the call ended before it was cancelled: {call.Exception}");
        var clockBefore = host.Time.GetUtcNow();
        int beforeCancel = host.Server.Count;
        cancelling = true;
        await cts.CancelAsync();

        // Ends promptly, on real time, without the manual clock moving a tick.
        var finished = await Task.WhenAny(call, Task.Delay(TestTimeouts.Hang));
        Assert.Same(call, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(clockBefore, host.Time.GetUtcNow());

        var afterCancel = host.Server.Requests.Skip(beforeCancel).ToArray();
        switch (provider)
        {
            case "replicate":
                var replicate = Assert.Single(afterCancel, r => r.Method == HttpMethod.Post);
                Assert.Equal("https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq/cancel", replicate.Uri.AbsoluteUri);
                Assert.Equal("Bearer " + host.Key, replicate.Header("Authorization"));
                break;
            case "fal":
                var fal = Assert.Single(afterCancel, r => r.Method == HttpMethod.Put);
                Assert.Equal("https://queue.fal.run/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/cancel", fal.Uri.AbsoluteUri);
                Assert.Equal("Key " + host.Key, fal.Header("Authorization"));
                break;
            case "firefly":
                var firefly = Assert.Single(afterCancel, r => r.Method == HttpMethod.Put);
                Assert.Equal("https://firefly-api.adobe.io/v3/cancel/urn:ff:jobs:abc123", firefly.Uri.AbsoluteUri);
                break;
            case "comfyui":
                var delete = Assert.Single(afterCancel, r => r.Method == HttpMethod.Post && r.Uri.AbsolutePath == "/queue");
                Assert.Equal("""{"delete":["p-1"]}""", delete.BodyText);
                // p-1 is still pending in the queue above: interrupting would stop whatever prompt is running, maybe
                // someone else's, so nothing is interrupted (the ComfyUI tests cover the running case).
                Assert.DoesNotContain(afterCancel, r => r.Uri.AbsolutePath == "/interrupt");
                break;
            default:
                // BFL and Leonardo have no cancel endpoint: at most the job's state is read once.
                Assert.All(afterCancel, r => Assert.Equal(HttpMethod.Get, r.Method));
                Assert.True(afterCancel.Length <= 1, $"{afterCancel.Length} requests after cancelling");
                break;
        }

        // No background polling: ten minutes later nothing more was sent.
        int settled = host.Server.Count;
        for (int i = 0; i < 20; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(30));
            await Task.Yield();
        }

        Assert.Equal(settled, host.Server.Count);
        await WaitUntil(() => host.Server.AllResponsesDisposed, "every response is disposed");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("google")]
    [InlineData("stability")]
    [InlineData("ideogram")]
    public async Task CancellingASyncCall_InFlight_EndsAtOnce_AndReleasesTheConnection(string provider)
    {
        using var host = new ProviderHost(provider);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Override = (request, ct) => request.Method == HttpMethod.Post ? Stall(reached, ct) : null;
        using var cts = new CancellationTokenSource();
        var call = host.Provider.GenerateAsync(ProviderHost.Valid(provider), cts.Token);
        await reached.Task.WaitAsync(TestTimeouts.Hang);
        await cts.CancelAsync();
        Assert.Same(call, await Task.WhenAny(call, Task.Delay(TestTimeouts.Hang)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, host.Server.Count);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, host.Server.Count);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("ideogram")]
    public async Task CancellingASyncCall_WhileDownloading_EndsAtOnce_AndDisposesTheResponses(string provider)
    {
        using var host = new ProviderHost(provider);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Override = (request, ct) => IsDownload(provider, request) ? Stall(reached, ct) : null;
        using var cts = new CancellationTokenSource();
        var call = host.Provider.GenerateAsync(ProviderHost.Valid(provider), cts.Token);
        await reached.Task.WaitAsync(TestTimeouts.Hang);
        await cts.CancelAsync();
        Assert.Same(call, await Task.WhenAny(call, Task.Delay(TestTimeouts.Hang)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(2, host.Server.Count);
        Assert.True(host.Server.AllResponsesDisposed);
    }

    [Theory]
    [MemberData(nameof(JobProviders))]
    public async Task WaitForCompletion_Cancelled_StopsPolling_ButLeavesTheJobRunning(string provider)
    {
        using var host = new ProviderHost(provider);
        host.Server.Override = (request, _) => Pending(provider, request) is { } pending ? Task.FromResult(pending) : null;
        var job = await host.Run(host.Jobs.StartAsync(ProviderHost.Valid(provider)));
        int started = host.Server.Count;
        using var cts = new CancellationTokenSource();
        var wait = host.Jobs.WaitForCompletionAsync(job.Id, cts.Token);
        await WaitUntil(() => host.Time.NextTimerWithin(TimeSpan.FromSeconds(5)) is not null || wait.IsCompleted, "the wait polls");
        await cts.CancelAsync();
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TestTimeouts.Hang)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        // Cancelling a wait is not cancelling the job (Azure SDK guideline): no cancel call, and no more polls.
        var after = host.Server.Requests.Skip(started).ToArray();
        Assert.DoesNotContain(after, r => r.Method == HttpMethod.Put || r.Uri.AbsolutePath.EndsWith("/cancel", StringComparison.Ordinal) || r.Uri.AbsolutePath.EndsWith("/interrupt", StringComparison.Ordinal));
        int settled = host.Server.Count;
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Yield();
        Assert.Equal(settled, host.Server.Count);
    }

    public static TheoryData<string> JobProviders() => [.. ProviderHost.JobProviders];
}
