using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

public class DiagnosticsTests
{
    [Fact]
    public async Task ThroughDependencyInjection_EveryHttpAttemptIsLoggedAtDebug_AndNoLogHoldsTheKeyThePromptOrTheImage()
    {
        const string prompt = "a confidential prototype sneaker on a white background";
        var time = new ManualTimeProvider();
        var logs = new CapturingLoggerProvider();
        var server = new ScriptedHandler()
            .Then(() => Json("error.rate_limit_exceeded.json", HttpStatusCode.TooManyRequests))
            .Then(() => Json("gpt-image-1.generations.json"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddImageGeneration().AddOpenAI(o => o.ApiKey = ApiKey, configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server)).UseLogging();
        using var provider = services.BuildServiceProvider();

        var result = await time.RunAsync(provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest(prompt) { Model = "gpt-image-1" }));

        var http = logs.Entries.Where(e => e.EventId.Id == 2101).ToArray();
        Assert.Equal(["UnifiedImageGen.Providers.openai"], http.Select(e => e.Category).Distinct());
        Assert.Equal(
            ["openai POST api.openai.com/v1/images/generations answered 429", "openai POST api.openai.com/v1/images/generations answered 200"],
            http.Select(e => e.Message[..e.Message.IndexOf(" in ", StringComparison.Ordinal)]));
        Assert.Contains(logs.Entries, e => e.EventId.Id == 2003 && e.Message.StartsWith("Generated 1 image(s) with openai gpt-image-1", StringComparison.Ordinal));

        string base64 = Convert.ToBase64String(result.Image.Data.Span[..64]);
        Assert.All(logs.Entries, e =>
        {
            Assert.DoesNotContain(ApiKey, e.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(prompt, e.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(base64, e.AllText, StringComparison.Ordinal);
        });
    }
}
