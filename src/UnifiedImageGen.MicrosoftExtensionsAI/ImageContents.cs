using Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>Converts input images between <see cref="ImageInput"/> and Microsoft.Extensions.AI contents.</summary>
internal static class ImageContents
{
    /// <summary>
    /// Bytes become <see cref="ImageInput.FromBytes"/> (which refuses bytes that are no image), https URLs become
    /// <see cref="ImageInput.FromUri"/>; an <see cref="ImageInput"/> passes through.
    /// </summary>
    /// <exception cref="ArgumentException">The content is of another kind, not an image, or a URL that is not https.</exception>
    public static ImageInput ToImageInput(object content, string what) => content switch
    {
        ImageInput input => input,

        // A declared type that is no concrete image type (octet-stream, image/*) is left to sniffing.
        DataContent data => ImageInput.FromBytes(data.Data, IsConcreteImageType(data.MediaType) ? data.MediaType : null),
        UriContent uri => ImageInput.FromUri(uri.Uri),
        _ => throw new ArgumentException($"{what} holds a {content.GetType().Name}; only DataContent (image bytes) and UriContent (an https URL) are supported.", "request"),
    };

    /// <summary>Bytes become <see cref="DataContent"/>, URLs <see cref="UriContent"/>.</summary>
    public static AIContent ToContent(ImageInput input) =>
        input.Uri is { } uri ? new UriContent(uri, input.MediaType) : new DataContent(input.Data, input.MediaType);

    private static bool IsConcreteImageType(string mediaType) =>
        mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !mediaType.EndsWith("/*", StringComparison.Ordinal);
}
