namespace UnifiedImageGen;

/// <summary>
/// One generated image. <see cref="Data"/> always holds the bytes: providers that answer with URLs are downloaded
/// at once, because their URLs expire.
/// </summary>
public sealed record GeneratedImage
{
    /// <summary>The encoded image. Empty only when <see cref="Error"/> is set.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The media type of <see cref="Data"/>, such as <c>"image/png"</c>.</summary>
    public string MediaType { get; init; } = "image/png";

    /// <summary>The width in pixels, when known.</summary>
    public int? Width { get; init; }

    /// <summary>The height in pixels, when known.</summary>
    public int? Height { get; init; }

    /// <summary>The seed the provider used, when it says.</summary>
    public long? Seed { get; init; }

    /// <summary>The prompt the provider actually used, when it rewrote yours (DALL-E 3).</summary>
    public string? RevisedPrompt { get; init; }

    /// <summary>Where the provider served the image from. Informational only: such URLs expire.</summary>
    public Uri? SourceUri { get; init; }

    /// <summary>The provider's safety flag for this image (NSFW detected), when it reports one.</summary>
    public bool? ContentFlagged { get; init; }

    /// <summary>Why this slot of a batch failed while others succeeded; <see langword="null"/> for a good image.</summary>
    public ImageGenerationException? Error { get; init; }

    /// <summary>Whether this slot holds an image rather than an error.</summary>
    public bool IsSuccess => Error is null && !Data.IsEmpty;

    /// <summary>The usual file extension for <see cref="MediaType"/>, with its dot.</summary>
    public string FileExtension => new ImageFormat(MediaType).FileExtension;

    /// <summary>Writes the image to a file.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="InvalidOperationException">This slot holds an error, not an image.</exception>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!IsSuccess)
        {
            throw new InvalidOperationException("This slot of the batch holds no image: " + (Error?.Message ?? "no data."));
        }

        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Describes the image without its bytes.</summary>
    public override string ToString() =>
        Error is not null ? $"GeneratedImage(failed: {Error.Kind})" : $"GeneratedImage({MediaType}, {Data.Length} bytes, {Width?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}x{Height?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})";
}
