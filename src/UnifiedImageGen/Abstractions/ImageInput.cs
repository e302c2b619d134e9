using UnifiedImageGen.Imaging;

namespace UnifiedImageGen;

/// <summary>
/// An input image (or mask): encoded bytes with their media type, or an https URL the provider fetches itself.
/// The media type of bytes is read from their magic bytes, so bytes that are no image, or that claim another
/// type than they have, are refused when the input is created.
/// </summary>
public sealed class ImageInput
{
    /// <summary>The largest input this SDK accepts (64 MiB); providers apply their own, lower limits.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private ImageInput(ReadOnlyMemory<byte> data, string mediaType, Uri? uri)
    {
        Data = data;
        MediaType = mediaType;
        Uri = uri;
    }

    /// <summary>The encoded image; empty when the input is a <see cref="Uri"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The media type, such as <c>"image/png"</c>; for a URL input, what its path suggests or <c>"application/octet-stream"</c>.</summary>
    public string MediaType { get; }

    /// <summary>The https address of the image, when the input is a URL.</summary>
    public Uri? Uri { get; }

    /// <summary>Whether the input is a URL rather than bytes.</summary>
    public bool IsUri => Uri is not null;

    /// <summary>The pixel size read from the image header, when the input is bytes of a known format.</summary>
    public ImageSize? Size => !IsUri && ImageHeader.TryReadSize(Data.Span, out var size) ? size : null;

    /// <summary>Creates an input from encoded bytes.</summary>
    /// <param name="data">The encoded image: PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF or HEIC.</param>
    /// <param name="mediaType">The media type, or <see langword="null"/> to read it from the bytes. When given, it must match the bytes.</param>
    /// <exception cref="ArgumentException">The bytes are empty, larger than <see cref="MaxBytes"/>, no known image, or of another type than <paramref name="mediaType"/>.</exception>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> data, string? mediaType = null)
    {
        if (data.IsEmpty)
        {
            throw new ArgumentException("The image is empty.", nameof(data));
        }

        if (data.Length > MaxBytes)
        {
            throw new ArgumentException($"The image is {data.Length:N0} bytes; the limit is {MaxBytes:N0} bytes ({MaxBytes / (1024 * 1024)} MiB).", nameof(data));
        }

        string sniffed = ImageHeader.SniffMediaType(data.Span)
            ?? throw new ArgumentException("The bytes are not a PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF or HEIC image.", nameof(data));
        if (mediaType is not null && !string.Equals(new ImageFormat(mediaType).MediaType, sniffed, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The image was declared as '{mediaType}' but its bytes are '{sniffed}'.", nameof(mediaType));
        }

        return new ImageInput(data, sniffed, uri: null);
    }

    /// <summary>Creates an input from an https URL that the provider downloads itself (only some providers accept URLs).</summary>
    /// <param name="uri">An absolute https URL.</param>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is relative or not https.</exception>
    public static ImageInput FromUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"An image URL must be an absolute https URL; got scheme '{(uri.IsAbsoluteUri ? uri.Scheme : "relative")}'.", nameof(uri));
        }

        string extension = Path.GetExtension(uri.AbsolutePath).TrimStart('.');
        string mediaType = extension.ToLowerInvariant() switch
        {
            "png" or "jpg" or "jpeg" or "webp" or "gif" => new ImageFormat(extension).MediaType,
            _ => "application/octet-stream",
        };
        return new ImageInput(ReadOnlyMemory<byte>.Empty, mediaType, uri);
    }

    /// <summary>Reads an image file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException">The file is not a known image or is too large.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<ImageInput> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxBytes)
        {
            throw new ArgumentException($"The image file is {info.Length:N0} bytes; the limit is {MaxBytes:N0} bytes.", nameof(path));
        }

        byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return FromBytes(bytes);
    }

    /// <summary>Creates an input from an image this SDK generated (for example to edit or upscale it next).</summary>
    /// <exception cref="ArgumentException">The image holds no bytes.</exception>
    public static ImageInput FromGeneratedImage(GeneratedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return FromBytes(image.Data, image.MediaType);
    }

    /// <summary>Describes the input without its bytes.</summary>
    public override string ToString() => IsUri ? $"ImageInput({Uri!.Host}, url)" : $"ImageInput({MediaType}, {Data.Length} bytes)";
}
