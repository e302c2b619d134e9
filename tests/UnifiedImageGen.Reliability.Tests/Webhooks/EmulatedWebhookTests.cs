using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.Emulator.Providers.Replicate;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Replicate;

namespace UnifiedImageGen.Reliability.Tests.Webhooks;

/// <summary>
/// The emulator finishes a Replicate prediction created with a webhook and delivers it signed, over loopback, to a
/// receiver that verifies it with <see cref="ReplicateWebhookVerifier"/> and handles each webhook id once: a correct
/// delivery is processed, a replay is recognised, a bad signature and a stale timestamp are refused.
/// </summary>
public sealed class EmulatedWebhookTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(WebhookDelivery.Normal, 1, 1, 0)]
    [InlineData(WebhookDelivery.Replayed, 2, 1, 0)]
    [InlineData(WebhookDelivery.BadSignature, 1, 0, 1)]
    [InlineData(WebhookDelivery.Stale, 1, 0, 1)]
    public async Task ADelivery_IsVerifiedAndHandledOnce(WebhookDelivery delivery, int deliveries, int processed, int refused)
    {
        var emulator = fixture.Emulator;
        emulator.Reset();
        emulator.TimeProvider = TimeProvider.System;
        ((ReplicateEmulator)emulator.Providers["replicate"]).WebhookDelivery = delivery;
        await using var receiver = await Receiver.StartAsync(new ReplicateWebhookVerifier(ReplicateEmulator.WebhookSecret), deliveries);
        var provider = ProviderUnderTest.All.Single(p => p.Emulated == "replicate");
        await using var services = EmulatedPipeline.Build(emulator, [provider], time: null, counter: null, _ => { }, routing => routing.Routes.Add(provider.Route));
        var jobs = services.GetRequiredKeyedService<IImageJobGenerator>("replicate");

        var started = await jobs.StartAsync(new ImageGenerationRequest("a lighthouse at dusk") { Count = 2 }
            .WithProviderOptions("replicate", new ReplicateRequestOptions { WebhookUrl = receiver.Url }));
        await receiver.AllDelivered.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(deliveries, receiver.Answers.Count);
        Assert.Equal(processed, receiver.Processed.Count);
        Assert.Equal(refused, receiver.Answers.Count(a => a == StatusCodes.Status401Unauthorized));
        if (processed == 1)
        {
            var job = Assert.Single(receiver.Processed);
            Assert.Equal(started.Id, job.Id);
            Assert.Equal(ImageJobStatus.Succeeded, job.Status);
            Assert.Equal(2, job.OutputUris.Count);
        }
    }

    // What an application's endpoint does: verify the raw body, then handle each webhook-id once.
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _expected;

        private Receiver(WebApplication app, int expected)
        {
            _app = app;
            _expected = expected;
        }

        public Uri Url { get; private set; } = null!;

        public ConcurrentQueue<int> Answers { get; } = new();

        public ConcurrentQueue<ImageJob> Processed { get; } = new();

        public Task AllDelivered => _all.Task;

        public static async Task<Receiver> StartAsync(ReplicateWebhookVerifier verifier, int expected)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app, expected);
            app.MapPost("/hooks/replicate", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                int status;
                try
                {
                    var job = verifier.VerifyAndParse(body.ToArray(), WebhookHeaders.From(request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))));
                    if (receiver._seen.TryAdd(request.Headers["webhook-id"].ToString(), 0))
                    {
                        receiver.Processed.Enqueue(job);
                    }

                    status = StatusCodes.Status200OK;
                }
                catch (WebhookVerificationException)
                {
                    status = StatusCodes.Status401Unauthorized;
                }

                receiver.Answers.Enqueue(status);
                if (receiver.Answers.Count >= receiver._expected)
                {
                    receiver._all.TrySetResult();
                }

                return Results.StatusCode(status);
            });
            await app.StartAsync();
            receiver.Url = new Uri(new Uri(app.Urls.First()), "/hooks/replicate");
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
