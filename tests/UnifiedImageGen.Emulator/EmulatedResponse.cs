using System.Text;
using System.Text.Json.Nodes;

namespace UnifiedImageGen.Emulator;

/// <summary>An answer an emulated provider gives before any fault reshapes it.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="ContentType">The content type.</param>
/// <param name="Body">The body.</param>
public sealed record EmulatedResponse(int Status, string ContentType, byte[] Body)
{
    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Images carried inline in the body; they count as delivered once the body is written whole.</summary>
    public IReadOnlyList<byte[]> Images { get; init; } = [];

    /// <summary>A JSON answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="json">The body.</param>
    public static EmulatedResponse Json(int status, JsonNode json) =>
        new(status, "application/json", Encoding.UTF8.GetBytes(json.ToJsonString()));

    /// <summary>A JSON answer from text (recorded bodies).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="json">The body.</param>
    public static EmulatedResponse Json(int status, string json) => new(status, "application/json", Encoding.UTF8.GetBytes(json));

    /// <summary>A plain-text or HTML answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="text">The body.</param>
    public static EmulatedResponse Text(int status, string contentType, string text) => new(status, contentType, Encoding.UTF8.GetBytes(text));

    /// <summary>The same answer with one more header.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public EmulatedResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers) { [name] = value } };
}
