using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.Replicate;

/// <summary>
/// Replicate predictions: <c>POST /v1/models/{owner}/{name}/predictions</c> (201, status <c>starting</c>),
/// <c>GET /v1/predictions/{id}</c>, <c>POST /v1/predictions/{id}/cancel</c>, <c>GET /v1/predictions?created_after=</c>
/// (most recent first). A gateway error on a create comes after the prediction exists, as behind <c>Prefer: wait</c>. Outputs are URLs on the emulator (or
/// <c>data:</c> URIs). A refused prompt is a <c>failed</c> prediction with an NSFW error; errors are problem details.
/// </summary>
public sealed class ReplicateEmulator() : EmulatedProvider("replicate")
{
    /// <summary>The secret the emulator signs webhook deliveries with (Standard Webhooks, as Replicate does).</summary>
    public const string WebhookSecret = "whsec_ZW11bGF0b3Itd2ViaG9vay1zaWduaW5nLWtleS0zMmI=";

    private static readonly HttpClient Deliveries = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _invalidOutputs = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (JsonObject Input, DateTimeOffset Created)> _created = new(StringComparer.Ordinal);

    /// <summary>How the emulator delivers the webhook of a prediction created with one.</summary>
    public WebhookDelivery WebhookDelivery { get; set; }

    /// <inheritdoc/>
    public override string EndpointPath => "replicate/v1/";

    /// <inheritdoc/>
    protected internal override bool GatewayErrorsAfterSubmit => true;

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/replicate/v1/models/{owner}/{name}/predictions", (HttpContext context, string owner, string name) => ExchangeAsync(context, EmulatedOperation.Submit, fault => CreateAsync(context, owner + "/" + name, fault)));
        routes.MapGet("/replicate/v1/predictions", (HttpContext context, string? created_after) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(List(created_after ?? ""))));
        routes.MapGet("/replicate/v1/predictions/{id}", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Read(id, advance: true))));
        routes.MapPost("/replicate/v1/predictions/{id}/cancel", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Cancel, _ =>
        {
            Jobs.TryGetValue(id, out var job);
            job?.Cancel();
            return Task.FromResult(Read(id, advance: false));
        }));
    }

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"detail":"Request was throttled. Your rate limit resets in ~1s.","status":429}""")
        : EmulatedResponse.Json(status, new JsonObject { ["title"] = "Internal Server Error", ["detail"] = "Something went wrong on our end. Please try again.", ["status"] = status });

    private async Task<EmulatedResponse> CreateAsync(HttpContext context, string model, FaultKind? fault)
    {
        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["input"] is not JsonObject input || input["prompt"] is null)
        {
            return EmulatedResponse.Json(422, """{"title":"Input validation failed","detail":"- input: prompt is required","status":422,"invalid_fields":[{"type":"required","field":"input","description":"prompt is required"}]}""");
        }

        if (fault == FaultKind.InsufficientCredits)
        {
            return EmulatedResponse.Json(402, """{"title":"Billing required","detail":"You need to set up billing to run this model. Go to https://replicate.com/account/billing#billing and set up billing.","status":402}""");
        }

        int count = input["num_outputs"]?.GetValue<int>() ?? 1;
        var job = new EmulatedJob(NewId("rp"), model, count)
        {
            NeverFinishes = fault == FaultKind.NeverFinishes,
            Refusal = fault == FaultKind.ContentPolicy ? "NSFW content detected. Try running it again, or try a different prompt." : null,
        };
        Jobs[job.Id] = job;
        _created[job.Id] = ((JsonObject)input.DeepClone(), Host.TimeProvider.GetUtcNow());
        _invalidOutputs[job.Id] = fault == FaultKind.InvalidBase64;
        var created = Prediction(job, 201);
        if (body["webhook"]?.GetValue<string>() is { } webhook && !job.NeverFinishes)
        {
            // A prediction with a webhook runs without being polled: finish it and deliver the completed prediction.
            while (job.Advance(HostOutputs) == EmulatedJobState.Pending)
            {
            }

            _ = DeliverAsync(new Uri(webhook), job, WebhookDelivery);
        }

        return created;
    }

    // Standard Webhooks: webhook-id, webhook-timestamp and "v1,<base64 HMAC-SHA256 over id.timestamp.body>".
    private async Task DeliverAsync(Uri url, EmulatedJob job, WebhookDelivery delivery)
    {
        byte[] body = Encoding.UTF8.GetBytes(PredictionJson(job).ToJsonString());
        string id = "msg_" + job.Id;
        var sent = TimeProvider.System.GetUtcNow() - (delivery == WebhookDelivery.Stale ? TimeSpan.FromMinutes(10) : TimeSpan.Zero);
        string timestamp = sent.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] key = Convert.FromBase64String(WebhookSecret["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes(id + "." + timestamp + "."), .. body];
        byte[] mac = HMACSHA256.HashData(key, signed);
        if (delivery == WebhookDelivery.BadSignature)
        {
            mac[0] ^= 0x01;
        }

        for (int attempt = 0; attempt < (delivery == WebhookDelivery.Replayed ? 2 : 1); attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp);
            request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(mac));
            using var response = await Deliveries.SendAsync(request).ConfigureAwait(false);
        }
    }


    private EmulatedResponse List(string createdAfter)
    {
        var after = DateTimeOffset.TryParse(createdAfter, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : DateTimeOffset.MinValue;
        var results = new JsonArray(Jobs.Values
            .Where(j => _created.TryGetValue(j.Id, out var c) && c.Created >= after)
            .OrderByDescending(j => _created[j.Id].Created)
            .Select(j => (JsonNode)PredictionJson(j)).ToArray());
        return EmulatedResponse.Json(200, new JsonObject { ["next"] = null, ["previous"] = null, ["results"] = results });
    }

    private EmulatedResponse Read(string id, bool advance)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(404, """{"title":"Not found","detail":"The requested resource could not be found.","status":404}""");
        }

        if (advance)
        {
            job.Advance(HostOutputs);
        }

        return Prediction(job, 200);
    }

    // Replicate outputs are file URLs; a model run with data outputs answers data: URIs instead.
    private IReadOnlyList<string> HostOutputs(EmulatedJob job) => _invalidOutputs.TryGetValue(job.Id, out bool invalid) && invalid
        ? Enumerable.Range(0, job.Count).Select(_ => "data:image/png;base64," + InvalidBase64).ToArray()
        : HostImages(job);

    private EmulatedResponse Prediction(EmulatedJob job, int status) => EmulatedResponse.Json(status, PredictionJson(job));

    private JsonObject PredictionJson(EmulatedJob job)
    {
        string state = job.State switch
        {
            EmulatedJobState.Succeeded => "succeeded",
            EmulatedJobState.Failed => "failed",
            EmulatedJobState.Canceled => "canceled",
            _ => job.Polls == 0 ? "starting" : "processing",
        };
        var prediction = new JsonObject
        {
            ["id"] = job.Id,
            ["model"] = job.Model,
            ["version"] = "hidden",
            ["input"] = _created.TryGetValue(job.Id, out var created) ? created.Input.DeepClone() : new JsonObject(),
            ["logs"] = job.Polls == 0 ? "" : "Using seed: 1234\n 50%|█████     | 2/4 [00:00<00:00, 7.1it/s]",
            ["output"] = job.State == EmulatedJobState.Succeeded ? new JsonArray(job.ImageUrls.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()) : null,
            ["error"] = job.State == EmulatedJobState.Failed ? job.Refusal : null,
            ["status"] = state,
            ["source"] = "api",
            ["data_removed"] = false,
            ["created_at"] = "2026-11-22T12:00:00.000Z",
            ["urls"] = new JsonObject
            {
                ["get"] = Url("replicate/v1/predictions/" + job.Id),
                ["cancel"] = Url("replicate/v1/predictions/" + job.Id + "/cancel"),
                ["web"] = "https://replicate.com/p/" + job.Id,
            },
            ["metrics"] = job.State == EmulatedJobState.Succeeded ? new JsonObject { ["predict_time"] = 1.2, ["total_time"] = 1.9 } : new JsonObject(),
        };
        return prediction;
    }

    /// <inheritdoc/>
    protected internal override void Reset()
    {
        base.Reset();
        _invalidOutputs.Clear();
        _created.Clear();
        WebhookDelivery = WebhookDelivery.Normal;
    }
}

/// <summary>How the emulator delivers a Replicate webhook.</summary>
public enum WebhookDelivery
{
    /// <summary>Once, correctly signed.</summary>
    Normal,

    /// <summary>The same signed delivery twice, as Replicate's retries can.</summary>
    Replayed,

    /// <summary>Once, with one bit of the signature flipped.</summary>
    BadSignature,

    /// <summary>Once, signed, with a timestamp ten minutes old.</summary>
    Stale,
}
