using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.AdobeFirefly;

/// <summary>
/// Adobe Firefly Services v3 with its IMS token endpoint: <c>POST /ims/token/v3</c> (client credentials, form) answers
/// <c>{access_token, token_type, expires_in}</c>; <c>POST /v3/images/generate-async</c> (bearer token and
/// <c>x-api-key</c>) answers 202 <c>{jobId, statusUrl, cancelUrl}</c>; <c>GET {statusUrl}</c> goes pending, running,
/// then succeeded with pre-signed <c>result.outputs[].image.url</c>, or failed with <c>error_code</c>/<c>message</c>
/// (a moderated prompt: <c>prompt_unsafe</c>); <c>PUT {cancelUrl}</c> cancels. <c>fill-async</c> and <c>expand-async</c>
/// answer like generate. <c>POST /v2/storage/image</c> takes a raw jpeg/png/webp body (at most 15 MB) and answers
/// <c>{images:[{id}]}</c>. Errors are <c>{"error_code", "message"}</c>; out of credits is 403 with
/// <c>x-access-error: quota_exhausted</c>.
/// </summary>
public sealed class AdobeFireflyEmulator() : EmulatedProvider("firefly")
{
    /// <summary>The token IMS issues.</summary>
    public const string AccessToken = "eyJ.emulated-ims-token";

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/firefly/ims/token/v3", Token);
        routes.MapPost("/firefly/v3/images/generate-async", Submit);
        routes.MapPost("/firefly/v3/images/fill-async", Submit);
        routes.MapPost("/firefly/v3/images/expand-async", Submit);
        routes.MapPost("/firefly/v2/storage/image", Upload);
        routes.MapGet("/firefly/v3/status/{id}", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Status(context, id, advance: true))));
        routes.MapPut("/firefly/v3/cancel/{id}", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Cancel, _ =>
        {
            if (!Authorized(context))
            {
                return Task.FromResult(Unauthorized());
            }

            if (!Jobs.TryGetValue(id, out var job))
            {
                return Task.FromResult(EmulatedResponse.Json(404, """{"error_code":"not_found","message":"Job not found"}"""));
            }

            job.Cancel();
            return Task.FromResult(EmulatedResponse.Json(200, "{}"));
        }));
    }

    private Task Token(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Token, _ => TokenAsync(context));

    private Task Upload(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Upload, _ => UploadAsync(context));

    private Task Submit(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Submit, fault => SubmitAsync(context, fault));

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"error_code":"too_many_requests","message":"Too many requests"}""")
        : EmulatedResponse.Json(status, new JsonObject { ["error_code"] = status == 503 ? "service_unavailable" : "internal_server_error", ["message"] = "An internal error occurred. Please try again." });

    private static bool Authorized(HttpContext context) =>
        context.Request.Headers.Authorization.ToString() == "Bearer " + AccessToken && !string.IsNullOrEmpty(context.Request.Headers["x-api-key"]);

    private static EmulatedResponse Unauthorized() => EmulatedResponse.Json(401, """{"error_code":"unauthorized","message":"Oauth token is not valid"}""");

    private static async Task<EmulatedResponse> TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form["grant_type"] != "client_credentials" || string.IsNullOrEmpty(form["client_id"]) || string.IsNullOrEmpty(form["client_secret"]))
        {
            return EmulatedResponse.Json(400, """{"error":"invalid_client","error_description":"invalid client_secret parameter"}""");
        }

        return EmulatedResponse.Json(200, new JsonObject { ["access_token"] = AccessToken, ["token_type"] = "bearer", ["expires_in"] = 86399 });
    }

    private async Task<EmulatedResponse> SubmitAsync(HttpContext context, FaultKind? fault)
    {
        if (!Authorized(context))
        {
            return Unauthorized();
        }

        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["prompt"] is null && body["image"] is null)
        {
            return EmulatedResponse.Json(400, """{"error_code":"validation_error","message":"request body is invalid: prompt is required"}""");
        }

        if (fault == FaultKind.InsufficientCredits)
        {
            // image_generation_async_v3.json: 403 access_error with the reason in the x-access-error header.
            return EmulatedResponse.Json(403, """{"error_code":"access_error","message":"Forbidden"}""").WithHeader("x-access-error", "quota_exhausted");
        }

        var job = new EmulatedJob("urn:ff:jobs:" + NewId("ff"), context.Request.Headers["x-model-version"].ToString() is { Length: > 0 } model ? model : "image3", body["numVariations"]?.GetValue<int>() ?? 1)
        {
            NeverFinishes = fault == FaultKind.NeverFinishes,
            Refusal = fault == FaultKind.ContentPolicy ? "The prompt was flagged by content moderation." : null,
        };
        Jobs[Key(job.Id)] = job;
        return EmulatedResponse.Json(202, new JsonObject
        {
            ["jobId"] = job.Id,
            ["statusUrl"] = Url("firefly/v3/status/" + Key(job.Id)),
            ["cancelUrl"] = Url("firefly/v3/cancel/" + Key(job.Id)),
        });
    }

    private static async Task<EmulatedResponse> UploadAsync(HttpContext context)
    {
        if (!Authorized(context))
        {
            return Unauthorized();
        }

        if (context.Request.ContentType is not ("image/jpeg" or "image/png" or "image/webp"))
        {
            return EmulatedResponse.Json(415, """{"error_code":"invalid_content_type","message":"Unsupported Media Type"}""");
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length is 0 or > 15L * 1024 * 1024)
        {
            return EmulatedResponse.Json(400, """{"error_code":"bad_request","message":"Bad Request"}""");
        }

        return EmulatedResponse.Json(200, new JsonObject { ["images"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString() }) });
    }

    // The job id's last segment names it in URLs.
    private static string Key(string jobId) => jobId[(jobId.LastIndexOf(':') + 1)..];

    private EmulatedResponse Status(HttpContext context, string id, bool advance)
    {
        if (!Authorized(context))
        {
            return Unauthorized();
        }

        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(404, """{"error_code":"not_found","message":"Job not found"}""");
        }

        var state = advance ? job.Advance(HostImages) : job.State;
        var status = new JsonObject
        {
            ["jobId"] = job.Id,
            ["status"] = state switch
            {
                EmulatedJobState.Succeeded => "succeeded",
                EmulatedJobState.Failed => "failed",
                EmulatedJobState.Canceled => "cancelled",
                _ => job.Polls <= 1 ? "pending" : "running",
            },
        };
        switch (state)
        {
            case EmulatedJobState.Pending:
                status["progress"] = job.Polls <= 1 ? 0 : 50;
                break;
            case EmulatedJobState.Succeeded:
                status["progress"] = 100;
                status["result"] = new JsonObject
                {
                    ["outputs"] = new JsonArray(job.ImageUrls.Select((url, i) => (JsonNode)new JsonObject
                    {
                        ["seed"] = 1842 + i,
                        ["image"] = new JsonObject { ["url"] = url + "?X-Amz-Expires=3600&X-Amz-Signature=emulated" },
                    }).ToArray()),
                    ["size"] = new JsonObject { ["width"] = 16, ["height"] = 16 },
                    ["contentClass"] = "photo",
                };
                break;
            case EmulatedJobState.Failed:
                status["error_code"] = "prompt_unsafe";
                status["message"] = job.Refusal;
                break;
        }

        return EmulatedResponse.Json(200, status);
    }
}
