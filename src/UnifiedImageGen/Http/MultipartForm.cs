using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace UnifiedImageGen.Http;

/// <summary>
/// Builds <c>multipart/form-data</c> bodies the way image APIs expect them: text fields without a content type, files
/// with a quoted name, a file name and the image's media type, and null values left out. The image bytes are not
/// copied (<see cref="ReadOnlyMemoryContent"/>), and the body can be sent again on a retry.
/// </summary>
public sealed class MultipartForm
{
    /// <summary>Creates an empty form.</summary>
    public MultipartForm() => Content = new MultipartFormDataContent();

    /// <summary>The content to send.</summary>
    public MultipartFormDataContent Content { get; }

    /// <summary>Adds a text field; nothing when <paramref name="value"/> is null.</summary>
    public MultipartForm Field(string name, string? value)
    {
        if (value is not null)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
            Content.Add(part);
        }

        return this;
    }

    /// <summary>Adds a whole-number field; nothing when null.</summary>
    public MultipartForm Field(string name, long? value) => Field(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a number field (invariant culture, shortest round-trip form); nothing when null.</summary>
    public MultipartForm Field(string name, double? value) => Field(name, value?.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Adds a boolean field as <c>true</c>/<c>false</c>; nothing when null.</summary>
    public MultipartForm Field(string name, bool? value) => Field(name, value is null ? null : value.Value ? "true" : "false");

    /// <summary>Adds every member of <paramref name="fields"/> as a text field (strings as they are, other values as JSON).</summary>
    public MultipartForm Fields(JsonObject? fields)
    {
        foreach (var (name, value) in fields ?? [])
        {
            Field(name, value is JsonValue scalar && scalar.TryGetValue(out string? text) ? text : value?.ToJsonString());
        }

        return this;
    }

    /// <summary>Adds an image file part named <paramref name="name"/>, with file name <c>{stem}{extension}</c> and the image's media type.</summary>
    /// <exception cref="ArgumentException">The input is a URL, not bytes.</exception>
    public MultipartForm File(string name, ImageInput image, string stem)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.IsUri)
        {
            throw new ArgumentException($"The '{name}' part needs image bytes; this endpoint does not take image URLs.", nameof(image));
        }

        var part = new ReadOnlyMemoryContent(image.Data);
        part.Headers.ContentType = new MediaTypeHeaderValue(image.MediaType);
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
        {
            Name = Quote(name),
            FileName = Quote(stem + new ImageFormat(image.MediaType).FileExtension),
        };
        Content.Add(part);
        return this;
    }

    private static string Quote(string value) => "\"" + value + "\"";
}
