using System.Net;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Http;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Costs;

/// <summary>
/// Issue 19: budgets that cannot be bypassed, through the pipeline as the README composes it
/// (<c>UseFallback(...).UseCaching().UseCostTracking(...)</c>).
/// </summary>
public class BudgetBypassTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero));

    private ServiceProvider Pipeline(Action<ImageGenerationBuilder> providers, string[] routes, Action<CostTrackingOptions> costs)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        var builder = services.AddImageGeneration();
        providers(builder);
        builder.AddPlaceholder(o => (o.DefaultWidth, o.DefaultHeight) = (16, 16))
            .UseFallback(routes)
            .UseCaching()
            .UseCostTracking(costs);
        return services.BuildServiceProvider();
    }

    private static readonly JsonTypeInfo<JsonElement> JsonElementType = (JsonTypeInfo<JsonElement>)JsonSerializerOptions.Default.GetTypeInfo(typeof(JsonElement));

    private static PriceEntry Price(string provider, decimal usd) => new() { Provider = provider, Model = "*", Unit = PriceUnit.PerImage, Usd = usd };

    private static async Task<decimal> ChargedAsync(IServiceProvider services) =>
        (await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery())).Sum(e => e.ChargedUsd);

    [Fact]
    public async Task Budget_CountsBelowOneOrAboveTheLimit_RacingRealCalls_AreRefusedBeforeReserving_AndFreeNoBudget()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var paid = new ScriptedImageGenerator("paid", async (r, _, _) =>
        {
            await release.Task;
            return ScriptedImageGenerator.Result("paid", r);
        });
        await using var services = Pipeline(b => b.AddProvider("paid", _ => paid), ["paid/m1", "placeholder"], c =>
        {
            c.MonthlyBudgetUsd = 0.50m;
            c.Prices.Add(Price("paid", 0.10m));
        });
        var generator = services.GetRequiredService<IImageGenerator>();

        int[] hostileCounts = [0, -1, -7, int.MinValue, int.MinValue + 1, 129, int.MaxValue];
        var hostile = Enumerable.Range(0, 700).Select(i => Task.Run(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Count = hostileCounts[i % hostileCounts.Length] }))).ToArray();
        var real = Enumerable.Range(0, 20).Select(_ => Task.Run(() => generator.GenerateAsync("x"))).ToArray();
        await Task.WhenAll(hostile.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        while (paid.Calls + real.Count(t => t.IsFaulted) < real.Length)
        {
            await Task.Yield();
        }

        release.SetResult();
        await Task.WhenAll(real.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        foreach (var call in hostile)
        {
            var ex = Assert.IsType<ArgumentOutOfRangeException>(call.Exception!.InnerException);
            Assert.Contains("request.Count must be between 1 and 128", ex.Message);
        }

        Assert.Equal(5, paid.Calls); // $0.50 at $0.10 a call, however many hostile calls raced them
        Assert.Equal(15, real.Count(t => t.Exception?.InnerException is ImageGenerationException { Kind: ImageGenerationErrorKind.BudgetExceeded }));
        Assert.Equal(0.50m, await ChargedAsync(services));
        Assert.All(await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery()), e => Assert.True(e.EstimatedUsd >= 0m));
    }

    [Fact]
    public void Catalog_RefusesToPriceACountBelowOne()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PriceCatalog.Default.Estimate("openai", "dall-e-3", new ImageGenerationRequest("x") { Count = -5 }));
        Assert.Contains("request.Count", ex.Message);
    }

    [Fact]
    public async Task Budget_UnpricedModel_IsRefusedByDefault_NamingTheModelAndHowToAddAPrice()
    {
        var mystery = new ScriptedImageGenerator("mystery");
        await using var services = Pipeline(b => b.AddProvider("mystery", _ => mystery), ["mystery/model-x", "placeholder"], c => c.DailyBudgetUsd = 1m);

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => services.GetRequiredService<IImageGenerator>().GenerateAsync("x"));

        Assert.Equal(ImageGenerationErrorKind.BudgetExceeded, ex.Kind);
        Assert.Equal(0, mystery.Calls);
        Assert.Contains("No price is known for mystery/model-x", ex.Message);
        Assert.Contains("ImageGeneration:Costs:Prices", ex.Message);
        Assert.Contains("Provider = \"mystery\", Model = \"model-x\"", ex.Message);
        Assert.Contains("UnpricedImageFloorUsd", ex.Message);
    }

    [Fact]
    public async Task Budget_UnpricedModelWithAFloor_ReservesTheFloor_SoConcurrentCallsCannotPassTheBudget()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mystery = new ScriptedImageGenerator("mystery", async (r, _, _) =>
        {
            await release.Task;
            return ScriptedImageGenerator.Result("mystery", r);
        });
        await using var services = Pipeline(b => b.AddProvider("mystery", _ => mystery), ["mystery/model-x"], c =>
        {
            c.MonthlyBudgetUsd = 0.30m;
            c.UnpricedImageFloorUsd = 0.10m;
        });
        var generator = services.GetRequiredService<IImageGenerator>();

        var calls = Enumerable.Range(0, 40).Select(_ => Task.Run(() => generator.GenerateAsync("x"))).ToArray();
        while (mystery.Calls + calls.Count(t => t.IsFaulted) < calls.Length)
        {
            await Task.Yield();
        }

        release.SetResult();
        await Task.WhenAll(calls.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(3, mystery.Calls);
        Assert.Equal(0.30m, await ChargedAsync(services));
    }

    [Fact]
    public async Task Budget_ThePlaceholderIsFree_AndNeverRefused()
    {
        await using var services = Pipeline(_ => { }, ["placeholder"], c => c.MonthlyBudgetUsd = 0m);

        var result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Count = 3 });

        Assert.Equal(3, result.Images.Count);
        Assert.Equal(0m, result.Cost!.Usd);
    }

    [Fact]
    public async Task AcceptedSubmit_ThenAFailedDownload_IsCharged_EvenWhenTheFallbackAnswers()
    {
        var http = new ScriptedHandler()
            .ThenStatus(HttpStatusCode.OK, """{"url":"https://cdn.example.com/x.png"}""")
            .ThenStatus(HttpStatusCode.ServiceUnavailable, "<html>CDN down</html>"); // ProviderUnavailable: the router moves on
        await using var services = Pipeline(b => b.AddProvider("urls", _ => new UrlProvider(http)), ["urls/u1", "placeholder"], c =>
        {
            c.MonthlyBudgetUsd = 1m;
            c.Prices.Add(Price("urls", 0.04m));
        });

        var result = await services.GetRequiredService<IImageGenerator>().GenerateAsync("x");

        Assert.Equal(PlaceholderImageGenerator.ProviderName, result.Provider);
        var entry = Assert.Single(await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery()));
        Assert.Equal((CostEntryStatus.Settled, 0.04m), (entry.Status, entry.ChargedUsd));
        Assert.Contains("urls/u1 accepted and then failed", entry.Basis);
        Assert.Equal(0.04m, result.Cost!.Usd); // the result says what the call cost, the failed route included
    }

    [Fact]
    public async Task SubmitRefused_CostsNothing()
    {
        var http = new ScriptedHandler().ThenStatus(HttpStatusCode.InternalServerError, """{"error":"boom"}""");
        await using var services = Pipeline(b => b.AddProvider("urls", _ => new UrlProvider(http)), ["urls/u1", "placeholder"], c => c.Prices.Add(Price("urls", 0.04m)));

        var result = await services.GetRequiredService<IImageGenerator>().GenerateAsync("x");

        Assert.Equal(PlaceholderImageGenerator.ProviderName, result.Provider);
        Assert.Equal(0m, await ChargedAsync(services));
    }

    [Fact]
    public async Task JobStarted_ThenAPollFails_IsCancelledAtTheProvider_AndCharged()
    {
        var http = new ScriptedHandler()
            .ThenStatus(HttpStatusCode.Created, """{"id":"job-1"}""")
            .ThenStatus(HttpStatusCode.InternalServerError, """{"error":"poll broke"}""")
            .ThenStatus(HttpStatusCode.OK, """{"status":"canceled"}""");
        await using var services = Pipeline(b => b.AddProvider("jobs", _ => new JobProvider(http, _time)), ["jobs/j1", "placeholder"], c => c.Prices.Add(Price("jobs", 0.05m)));

        var result = await _time.RunAsync(services.GetRequiredService<IImageGenerator>().GenerateAsync("x"));

        Assert.Equal(PlaceholderImageGenerator.ProviderName, result.Provider);
        Assert.Contains(http.Requests, r => r.Uri.AbsolutePath == "/jobs/job-1/cancel");
        Assert.Equal(0.05m, await ChargedAsync(services));
    }

    [Fact]
    public async Task JobStarted_ThenTheCallerCancels_IsCancelledAtTheProvider_AndCharged()
    {
        using var caller = new CancellationTokenSource();
        var http = new ScriptedHandler()
            .ThenStatus(HttpStatusCode.Created, """{"id":"job-2"}""")
            .Then((_, _) =>
            {
                caller.Cancel(); // the caller gives up while the job runs
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"status":"running"}""") });
            })
            .ThenStatus(HttpStatusCode.OK, """{"status":"canceled"}""");
        await using var services = Pipeline(b => b.AddProvider("jobs", _ => new JobProvider(http, _time)), ["jobs/j1", "placeholder"], c => c.Prices.Add(Price("jobs", 0.05m)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _time.RunAsync(services.GetRequiredService<IImageGenerator>().GenerateAsync("x", cancellationToken: caller.Token)));

        Assert.Contains(http.Requests, r => r.Uri.AbsolutePath == "/jobs/job-2/cancel");
        var entry = Assert.Single(await services.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery()));
        Assert.Equal((CostEntryStatus.Settled, 0.05m), (entry.Status, entry.ChargedUsd));
        Assert.Contains("was cancelled", entry.Basis);
    }

    // A provider of the kind a third party writes on the SDK's transport: a submit that answers with a URL, then the download.
    private sealed class UrlProvider(ScriptedHandler http) : IImageGenerator
    {
        private readonly ProviderTransport _transport = new(new HttpClient(http) { BaseAddress = new Uri("https://api.urls.example/") }, new ProviderErrorMapper("urls"), new ImageDownloader(new HttpClient(http)));

        public ImageGeneratorMetadata Metadata { get; } = new("urls", null, "u1", [new ImageModelDescriptor("u1", ImageCapabilities.TextToImage)]);

        public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            using var submit = new HttpRequestMessage(HttpMethod.Post, "generate");
            ProviderTransport.MarkBillableSubmit(submit, request.Model ?? "u1", request.Count);
            var answer = await _transport.SendJsonAsync(submit, JsonElementType, request.Model, cancellationToken);
            using var download = new HttpRequestMessage(HttpMethod.Get, answer.GetProperty("url").GetString());
            using var image = await _transport.SendAsync(download, request.Model, cancellationToken);
            return ScriptedImageGenerator.Result("urls", request);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }

    // A job provider on the SDK's polling engine: submit, then status reads, and a cancel endpoint.
    private sealed class JobProvider(ScriptedHandler http, TimeProvider time) : JobImageGeneratorBase(new Options(), time)
    {
        private readonly ProviderTransport _transport = new(new HttpClient(http) { BaseAddress = new Uri("https://api.jobs.example/") }, new ProviderErrorMapper("jobs"), new ImageDownloader(new HttpClient(http)), time);

        public override ImageGeneratorMetadata Metadata { get; } = new("jobs", null, "j1", [new ImageModelDescriptor("j1", ImageCapabilities.TextToImage)]);

        public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, "jobs/" + jobId);
            var status = await _transport.SendJsonAsync(poll, JsonElementType, null, cancellationToken);
            return new ImageJob { Provider = "jobs", Id = jobId, Status = status.GetProperty("status").GetString() == "canceled" ? ImageJobStatus.Canceled : ImageJobStatus.Running };
        }

        public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
        {
            using var cancel = new HttpRequestMessage(HttpMethod.Post, "jobs/" + jobId + "/cancel");
            await _transport.SendJsonAsync(cancel, JsonElementType, null, cancellationToken);
            return new ImageJob { Provider = "jobs", Id = jobId, Status = ImageJobStatus.Canceled };
        }

        protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
        {
            using var submit = new HttpRequestMessage(HttpMethod.Post, "jobs");
            ProviderTransport.MarkBillableSubmit(submit, request.Model ?? "j1", request.Count);
            var started = await _transport.SendJsonAsync(submit, JsonElementType, request.Model, cancellationToken);
            return new StartedJob(new ImageJob { Provider = "jobs", Id = started.GetProperty("id").GetString()!, Status = ImageJobStatus.Queued, Model = request.Model }, []);
        }

        protected override Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("These jobs never succeed.");

        private sealed class Options() : JobImageGeneratorOptionsBase(new Uri("https://api.jobs.example/"))
        {
        }
    }
}
