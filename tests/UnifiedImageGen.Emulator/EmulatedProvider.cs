using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator;

/// <summary>
/// One provider's side of the wire: its routes under <c>/{Name}/</c>, its success shapes, and how it says "rate
/// limited", "server error", "refused" and "out of credits". Every route answers through <see cref="ExchangeAsync"/>,
/// which counts the request and applies the scheduled fault.
/// </summary>
public abstract class EmulatedProvider
{
    private ProviderEmulator? _host;
    private int _ids;

    /// <summary>Creates the provider.</summary>
    /// <param name="name">The provider name, also its first path segment.</param>
    protected EmulatedProvider(string name) => Name = name;

    /// <summary>The provider name (<c>"openai"</c>, ...).</summary>
    public string Name { get; }

    /// <summary>The path, under the emulator's address, an SDK's <c>Endpoint</c> option should point at.</summary>
    public virtual string EndpointPath => Name + "/";

    /// <summary>Jobs this provider accepted, by id.</summary>
    public ConcurrentDictionary<string, EmulatedJob> Jobs { get; } = new(StringComparer.Ordinal);

    /// <summary>The emulator this provider runs in.</summary>
    protected ProviderEmulator Host => _host ?? throw new InvalidOperationException("The provider is not mapped yet.");

    internal void Attach(ProviderEmulator host) => _host = host;

    /// <summary>Maps the provider's routes.</summary>
    /// <param name="routes">The app's routes.</param>
    protected internal abstract void Map(IEndpointRouteBuilder routes);

    /// <summary>
    /// The provider's answer to a status fault: 429 (rate limited), 500, 502, 503, 504. The default gives gateway HTML
    /// for 502/504 (what a load balancer in front of any API sends) and leaves the rest to <see cref="ErrorBody"/>.
    /// </summary>
    /// <param name="status">The status.</param>
    protected internal virtual EmulatedResponse StatusError(int status) => status is 502 or 504
        ? EmulatedResponse.Text(status, "text/html", $"<html><head><title>{status}</title></head><body><center><h1>{status} {(status == 502 ? "Bad Gateway" : "Gateway Time-out")}</h1></center></body></html>")
        : ErrorBody(status);

    /// <summary>
    /// Whether a 502/503/504 on a submit comes from a proxy after the work was created (Replicate's create held open by
    /// <c>Prefer: wait</c>, PROVIDERS.md 13.5): the emulator then creates the job and answers the gateway error.
    /// </summary>
    protected internal virtual bool GatewayErrorsAfterSubmit => false;

    /// <summary>The provider's JSON error for a status (rate limited, server error, unavailable).</summary>
    /// <param name="status">The status.</param>
    protected abstract EmulatedResponse ErrorBody(int status);

    /// <summary>Forgets jobs.</summary>
    protected internal virtual void Reset() => Jobs.Clear();

    /// <summary>Counts the exchange, applies its scheduled fault, and writes the answer.</summary>
    /// <param name="context">The request.</param>
    /// <param name="operation">What kind of exchange it is.</param>
    /// <param name="answer">The provider's answer; it is given the fault so refusals, bad payloads and stuck jobs take its shape.</param>
    protected Task ExchangeAsync(HttpContext context, EmulatedOperation operation, Func<FaultKind?, Task<EmulatedResponse>> answer) =>
        Host.ExchangeAsync(this, context, operation, answer);

    /// <summary>A new id, unique within this provider.</summary>
    /// <param name="prefix">A prefix.</param>
    protected string NewId(string prefix) => prefix + Interlocked.Increment(ref _ids).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>An absolute URL on the emulator.</summary>
    /// <param name="relative">The path (and query) under the emulator's address.</param>
    protected string Url(string relative) => new Uri(Host.Address, relative).AbsoluteUri;

    /// <summary>Renders <paramref name="job"/>'s images and hosts them at emulator URLs.</summary>
    /// <param name="job">The finished job.</param>
    protected IReadOnlyList<string> HostImages(EmulatedJob job) => Enumerable.Range(0, job.Count).Select(i =>
    {
        string file = $"{job.Id}-{i}.png";
        Host.Images.Host(Name + "/" + file, Host.Images.Render());
        return Url($"files/{Name}/{file}");
    }).ToArray();

    /// <summary>Reads the request body as JSON.</summary>
    /// <param name="request">The request.</param>
    protected static async Task<JsonObject> ReadJsonAsync(HttpRequest request) =>
        (await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false))?.AsObject()
        ?? throw new BadHttpRequestException("The body is not a JSON object.");

    /// <summary>
    /// What the provider hands over as <paramref name="image"/>: the image itself, or for the non-image faults an HTML
    /// page, zeros or the image cut in half (in a base64 field, a raw body or a download alike).
    /// </summary>
    /// <param name="fault">The fault, if any.</param>
    /// <param name="image">The image rendered for the answer.</param>
    public static byte[] Payload(FaultKind? fault, byte[] image) => fault switch
    {
        FaultKind.HtmlImage => System.Text.Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><h1>Sign in to the guest network</h1></body></html>"),
        FaultKind.ZeroImage => new byte[image.Length],
        FaultKind.TruncatedImage => image[..(image.Length / 2)],
        _ => image,
    };

    /// <summary>Whether the fault replaces the image with bytes that are not one.</summary>
    /// <param name="fault">The fault, if any.</param>
    public static bool IsNonImage(FaultKind? fault) => fault is FaultKind.HtmlImage or FaultKind.ZeroImage or FaultKind.TruncatedImage;

    /// <summary>A body that is not valid base64 where the provider puts an image.</summary>
    protected const string InvalidBase64 = "iVBORw0KGgo@@@this is not base64@@@";
}
