using System.Net;
using System.Text;
using UnifiedImageGen;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Replicate;

namespace Sample04;

/// <summary>The sample's logic, callable from tests: <c>RunAsync(["--self-test"], writer)</c>.</summary>
internal static class JobsAndWebhooksApp
{
    /// <summary>The secret the offline simulator and the self-test sign with. Known to anyone who reads this file: offline use only.</summary>
    public static readonly string OfflineSigningSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("sample04-offline-test-secret-not-for-production"));

    private const int MaxWebhookBytes = 1024 * 1024;

    /// <summary>Runs the server until Ctrl+C, or with <c>--self-test</c> checks the webhook flow offline and exits.</summary>
    /// <param name="args"><c>--port N</c> (default 5080), <c>--offline</c>, <c>--self-test</c>.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>The exit code: 0 on success.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        bool selfTest = args.Contains("--self-test");
        bool offline = selfTest || args.Contains("--offline");
        int port = selfTest ? 0 : int.Parse(OptionValue(args, "--port") ?? "5080", System.Globalization.CultureInfo.InvariantCulture);

        await using var app = Build(offline, port, selfTest);
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.First()); // the real port, also when asked for port 0
        if (app.Services.GetKeyedService<IImageJobGenerator>(LocalJobSimulator.Name) is LocalJobSimulator simulator && !selfTest)
        {
            simulator.WebhookUrl = new Uri(address, "/webhooks/replicate");
        }

        var sources = app.Services.GetRequiredService<JobSources>();
        output.WriteLine(sources.Default == LocalJobSimulator.Name
            ? "Jobs: LOCAL SIMULATOR (offline: placeholder images, webhooks signed with the sample's test secret). Set REPLICATE_API_TOKEN + REPLICATE_WEBHOOK_SECRET or FAL_KEY + FAL_USER_ID, and PUBLIC_BASE_URL, for real providers."
            : $"Jobs: {string.Join(", ", sources.Names)}; webhooks to {sources.PublicBaseUrl}");

        if (selfTest)
        {
            int code = await SelfTest.RunAsync(address, OfflineSigningSecret, output, cancellationToken);
            await app.StopAsync(CancellationToken.None);
            return code;
        }

        output.WriteLine($"Listening on {address} (loopback only). Try: curl -X POST {address}jobs -H 'Content-Type: application/json' -d '{{\"prompt\":\"a red fox\"}}'. Ctrl+C to stop.");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static WebApplication Build(bool offline, int port, bool quiet)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port)); // never on other interfaces
        builder.Logging.SetMinimumLevel(quiet ? LogLevel.Error : LogLevel.Information)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning) // no per-request lines
            .AddFilter("System.Net.Http", LogLevel.Warning);
        var config = builder.Configuration;

        // Providers. Webhooks need a public https address that forwards to this app (ngrok, dev tunnels, a reverse proxy).
        string? replicateToken = offline ? null : config["REPLICATE_API_TOKEN"];
        string? replicateSecret = offline ? null : config["REPLICATE_WEBHOOK_SECRET"]; // GET https://api.replicate.com/v1/webhooks/default/secret
        string? falKey = offline ? null : config["FAL_KEY"];
        string? falUserId = offline ? null : config["FAL_USER_ID"]; // fal signs every account's deliveries with one key set: accept only yours
        Uri? publicBase = offline || config["PUBLIC_BASE_URL"] is not { Length: > 0 } url ? null : new Uri(url.TrimEnd('/') + "/");

        var images = builder.Services.AddImageGeneration(config.GetSection("ImageGeneration"));
        var names = new List<string>();
        if (publicBase is not null && !string.IsNullOrWhiteSpace(replicateToken) && !string.IsNullOrWhiteSpace(replicateSecret))
        {
            images.AddReplicate(o =>
            {
                o.ApiKey = replicateToken;
                o.WebhookUrl = new Uri(publicBase, "webhooks/replicate");
                o.WebhookEvents.Add("completed");
                o.PreferWaitSeconds = 0; // answer at once; the webhook brings the result
            });
            names.Add(ReplicateImageGenerator.ProviderName);
        }

        if (publicBase is not null && !string.IsNullOrWhiteSpace(falKey) && !string.IsNullOrWhiteSpace(falUserId))
        {
            images.AddFal(o =>
            {
                o.ApiKey = falKey;
                o.WebhookUrl = new Uri(publicBase, "webhooks/fal");
            });
            names.Add(FalImageGenerator.ProviderName);
        }

        if (names.Count == 0)
        {
            builder.Services.AddKeyedSingleton<IImageJobGenerator, LocalJobSimulator>(LocalJobSimulator.Name);
            names.Add(LocalJobSimulator.Name);
        }

        // Verifiers only for the sources in use: the public test secret must never guard a real deployment.
        bool simulated = names.Contains(LocalJobSimulator.Name);
        string? signingSecret = simulated ? OfflineSigningSecret : names.Contains(ReplicateImageGenerator.ProviderName) ? replicateSecret : null;
        builder.Services.AddSingleton(new JobSources(names, publicBase));
        builder.Services.AddSingleton(sp => new WebhookVerifiers(
            signingSecret is null ? null : new ReplicateWebhookVerifier(signingSecret),
            names.Contains(FalImageGenerator.ProviderName)
                ? new FalWebhookVerifier(new FalJwksKeys(sp.GetRequiredService<IHttpClientFactory>().CreateClient("fal-jwks")), falUserId!) // fal's published keys, cached a day
                : simulated
                    ? new FalWebhookVerifier(new StaticFalWebhookKeys(Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")), "offline-sample-user") // RFC 8032 test key: offline, nothing verifies
                    : null));
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<WebhookReceiver>();

        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    private static void MapEndpoints(WebApplication app)
    {
        // Start a job. The provider calls the webhook when it finishes; the id can be stored and resumed anywhere.
        app.MapPost("/jobs", async (StartJobRequest body, JobSources sources, JobStore store, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(body.Prompt))
            {
                return Results.BadRequest(new { error = "prompt is required" });
            }

            string source = body.Provider ?? sources.Default;
            if (!sources.Names.Contains(source))
            {
                return Results.BadRequest(new { error = $"provider must be one of: {string.Join(", ", sources.Names)}" });
            }

            try
            {
                var generator = services.GetRequiredKeyedService<IImageJobGenerator>(source);
                var job = await generator.StartAsync(new ImageGenerationRequest(body.Prompt), cancellationToken);
                var record = store.Add(source, job);
                return Results.Accepted($"/jobs/{record.Id}", record.ToView());
            }
            catch (ImageGenerationException ex)
            {
                // Kind and message only: the SDK redacts keys, and the prompt is not echoed back.
                return Results.Json(new { error = $"{ex.Kind}: {ex.Message}" }, statusCode: ex.Kind == ImageGenerationErrorKind.InvalidRequest ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway);
            }
        });

        app.MapGet("/jobs/{id}", (string id, JobStore store) =>
            store.Get(id) is { } record ? Results.Ok(record.ToView()) : Results.NotFound());

        app.MapGet("/jobs/{id}/image", (string id, JobStore store) =>
            store.Get(id) is { Image: { } image, MediaType: { } mediaType } ? Results.File(image, mediaType) : Results.NotFound());

        // Replicate: Standard Webhooks HMAC over the raw body; webhook-id is the idempotency key.
        app.MapPost("/webhooks/replicate", async (HttpRequest request, WebhookVerifiers verifiers, WebhookReceiver receiver, ILogger<WebhookReceiver> logger, CancellationToken cancellationToken) =>
        {
            if (verifiers.Replicate is not { } verifier)
            {
                return Results.NotFound(); // Replicate is not in use
            }

            if (await ReadBodyAsync(request, cancellationToken) is not { } body)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            ImageJob job;
            try
            {
                job = verifier.VerifyAndParse(body, Headers(request));
            }
            catch (WebhookVerificationException ex)
            {
                logger.LogWarning("Rejected a Replicate webhook: {Reason}", ex.Message);
                return Results.Unauthorized();
            }

            return await receiver.HandleAsync("replicate", request.Headers["webhook-id"].ToString(), job, cancellationToken);
        });

        // fal: Ed25519 signature by one of fal's published keys; the request id is the idempotency key.
        app.MapPost("/webhooks/fal", async (HttpRequest request, WebhookVerifiers verifiers, WebhookReceiver receiver, ILogger<WebhookReceiver> logger, CancellationToken cancellationToken) =>
        {
            if (verifiers.Fal is not { } verifier)
            {
                return Results.NotFound(); // fal is not in use
            }

            if (await ReadBodyAsync(request, cancellationToken) is not { } body)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            ImageJob job;
            try
            {
                job = await verifier.VerifyAndParseAsync(body, Headers(request), cancellationToken);
            }
            catch (WebhookVerificationException ex)
            {
                logger.LogWarning("Rejected a fal webhook: {Reason}", ex.Message);
                return Results.Unauthorized();
            }
            catch (ImageGenerationException ex) when (ex.IsTransient)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable); // fal's keys could not be fetched: let fal retry
            }

            return await receiver.HandleAsync("fal", job.Id, job, cancellationToken);
        });
    }

    private static WebhookHeaders Headers(HttpRequest request) =>
        new(name => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null);

    // The raw bytes, exactly as sent: signatures cover them. Null when larger than any real delivery.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxWebhookBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxWebhookBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string? OptionValue(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

/// <summary>The webhook verifiers of the sources in use; null for a source that is not.</summary>
internal sealed record WebhookVerifiers(ReplicateWebhookVerifier? Replicate, FalWebhookVerifier? Fal);

/// <summary>The job generators in use, by key; the first is the default.</summary>
internal sealed record JobSources(IReadOnlyList<string> Names, Uri? PublicBaseUrl)
{
    public string Default => Names[0];
}

/// <summary>The body of POST /jobs.</summary>
internal sealed record StartJobRequest(string Prompt, string? Provider = null);
