using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.StabilityAI;

/// <summary>
/// <c>POST /v2beta/stable-image/generate/{core|ultra|sd3}</c> (multipart only): with <c>accept: image/*</c> the body is
/// the PNG and <c>seed</c>/<c>finish-reason</c> are headers; with <c>application/json</c> it is
/// <c>{"image","seed","finish_reason"}</c>. Errors are <c>{"id","name","errors":[...]}</c>.
/// </summary>
public sealed class StabilityAIEmulator() : EmulatedProvider("stability")
{
    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/stability/v2beta/stable-image/generate/{model}", (HttpContext context, string model) => ExchangeAsync(context, EmulatedOperation.Submit, fault => GenerateAsync(context, fault)));

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? Error(429, "rate_limit_exceeded", "You have exceeded the rate limit of 150 requests within a 10 second period, and have been timed out for 60 seconds.")
        : Error(status, "internal_error", "An unexpected server error has occurred, please try again later.");

    private EmulatedResponse Error(int status, string name, string message) =>
        EmulatedResponse.Json(status, new JsonObject { ["id"] = NewId("0e1c"), ["name"] = name, ["errors"] = new JsonArray(message) });

    private async Task<EmulatedResponse> GenerateAsync(HttpContext context, FaultKind? fault)
    {
        if (!context.Request.HasFormContentType || !context.Request.ContentType!.StartsWith("multipart/form-data", StringComparison.Ordinal))
        {
            return Error(400, "bad_request", "content-type: must be multipart/form-data");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(form["prompt"]))
        {
            return Error(400, "bad_request", "prompt: cannot be empty");
        }

        switch (fault)
        {
            case FaultKind.ContentPolicy:
                return Error(403, "content_moderation", "Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.");
            case FaultKind.InsufficientCredits:
                return Error(402, "payment_required", "You lack sufficient credits to make this request. Please purchase more credits at https://platform.stability.ai/account/credits and try again.");
        }

        var image = Host.Images.Render();
        string seed = (form["seed"].ToString() is { Length: > 0 } asked && asked != "0" ? asked : "1234567").ToString(CultureInfo.InvariantCulture);
        bool json = context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
        if (!json)
        {
            return new EmulatedResponse(200, "image/png", Payload(fault, image)) { Images = IsNonImage(fault) ? [] : [image] }
                .WithHeader("seed", seed).WithHeader("finish-reason", "SUCCESS").WithHeader("x-request-id", NewId("8a3f"));
        }

        var body = new JsonObject
        {
            ["image"] = fault == FaultKind.InvalidBase64 ? InvalidBase64 : Convert.ToBase64String(Payload(fault, image)),
            ["seed"] = long.Parse(seed, CultureInfo.InvariantCulture),
            ["finish_reason"] = "SUCCESS",
        };
        var response = EmulatedResponse.Json(200, body).WithHeader("x-request-id", NewId("8a3f"));
        return fault == FaultKind.InvalidBase64 || IsNonImage(fault) ? response : response with { Images = [image] };
    }
}
