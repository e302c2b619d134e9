namespace UnifiedImageGen;

/// <summary>
/// What one model accepts. Empty lists mean "any"; <see langword="null"/> limits mean "not known here, let the
/// provider judge". Descriptors are data: providers keep a table of them.
/// </summary>
public sealed record ImageModelDescriptor
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="id">The model id as the provider spells it.</param>
    /// <param name="capabilities">What the model can do.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    public ImageModelDescriptor(string id, ImageCapabilities capabilities)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
        Capabilities = capabilities;
    }

    /// <summary>The model id as the provider spells it.</summary>
    public string Id { get; init; }

    /// <summary>What the model can do.</summary>
    public ImageCapabilities Capabilities { get; init; }

    /// <summary>The most images one call may ask for; larger counts are split into several calls. 1 by default.</summary>
    public int MaxImagesPerCall { get; init; } = 1;

    /// <summary>The sizes the model accepts; empty when it takes any size within <see cref="SizeConstraint"/>.</summary>
    public IReadOnlyList<ImageSize> SupportedSizes { get; init; } = [];

    /// <summary>Rules for free-form sizes (ranges, multiples, pixel limits), when the model takes any size.</summary>
    public ImageSizeConstraint? SizeConstraint { get; init; }

    /// <summary>The aspect ratios the model accepts; empty when any (or when it takes sizes instead).</summary>
    public IReadOnlyList<AspectRatio> SupportedAspectRatios { get; init; } = [];

    /// <summary>The output formats; empty when any. The first is the default.</summary>
    public IReadOnlyList<ImageFormat> SupportedFormats { get; init; } = [];

    /// <summary>The quality levels; empty when the model has none or any.</summary>
    public IReadOnlyList<ImageQuality> SupportedQualities { get; init; } = [];

    /// <summary>The longest prompt, in characters, when the provider documents one.</summary>
    public int? MaxPromptLength { get; init; }

    /// <summary>The most input images one call takes, when limited.</summary>
    public int? MaxInputImages { get; init; }

    /// <summary>The largest input image in bytes, when limited.</summary>
    public long? MaxInputImageBytes { get; init; }

    /// <summary>Whether the model has <paramref name="capability"/> (all flags of it).</summary>
    public bool Supports(ImageCapabilities capability) => (Capabilities & capability) == capability;

    /// <summary>
    /// A descriptor that allows everything, for model ids a provider does not list: the request is sent as it is
    /// and the provider judges it.
    /// </summary>
    /// <param name="id">The model id.</param>
    /// <param name="maxImagesPerCall">How many images one call may ask for.</param>
    public static ImageModelDescriptor Permissive(string id, int maxImagesPerCall = 1) =>
        new(id, ImageCapabilities.All) { MaxImagesPerCall = maxImagesPerCall };
}

/// <summary>Rules for free-form sizes.</summary>
/// <param name="MinSide">The smallest width or height.</param>
/// <param name="MaxSide">The largest width or height.</param>
/// <param name="Multiple">Width and height must be multiples of this.</param>
public sealed record ImageSizeConstraint(int MinSide, int MaxSide, int Multiple = 1)
{
    /// <summary>The most pixels (width x height), when limited beyond the side limits.</summary>
    public long? MaxPixels { get; init; }

    /// <summary>The fewest pixels, when limited.</summary>
    public long? MinPixels { get; init; }

    /// <summary>The widest width:height ratio allowed (3.0 for 3:1), when limited; the inverse bounds tall images.</summary>
    public double? MaxAspectRatio { get; init; }

    /// <summary>Whether <paramref name="size"/> meets every rule.</summary>
    public bool Allows(ImageSize size) =>
        size.Width >= MinSide && size.Height >= MinSide && size.Width <= MaxSide && size.Height <= MaxSide
        && size.Width % Multiple == 0 && size.Height % Multiple == 0
        && (MaxPixels is null || size.Pixels <= MaxPixels) && (MinPixels is null || size.Pixels >= MinPixels)
        && (MaxAspectRatio is null || Math.Max((double)size.Width / size.Height, (double)size.Height / size.Width) <= MaxAspectRatio + 1e-9);

    /// <summary>The allowed size nearest to <paramref name="size"/>: same shape where possible, scaled into the pixel range, sides rounded to <see cref="Multiple"/>.</summary>
    public ImageSize Fit(ImageSize size)
    {
        double width = size.Width, height = size.Height;
        if (MaxAspectRatio is { } maxRatio)
        {
            double ratio = width / height;
            if (ratio > maxRatio)
            {
                width = height * maxRatio;
            }
            else if (1 / ratio > maxRatio)
            {
                height = width * maxRatio;
            }
        }

        double scale = 1;
        double pixels = width * height;
        if (MaxPixels is { } maxPixels && pixels > maxPixels)
        {
            scale = Math.Sqrt(maxPixels / pixels);
        }
        else if (MinPixels is { } minPixels && pixels < minPixels)
        {
            scale = Math.Sqrt(minPixels / pixels);
        }

        width *= scale;
        height *= scale;
        double sideScale = Math.Min(1, MaxSide / Math.Max(width, height));
        width *= sideScale;
        height *= sideScale;
        int fittedWidth = Snap(width, pixelsFloor: MaxPixels is not null);
        int fittedHeight = Snap(height, pixelsFloor: MaxPixels is not null);

        // Rounding to the multiple can push the ratio just past its limit: trim the long side a step at a time.
        while (MaxAspectRatio is { } limit && Math.Max((double)fittedWidth / fittedHeight, (double)fittedHeight / fittedWidth) > limit + 1e-9)
        {
            if (fittedWidth > fittedHeight && fittedWidth - Multiple >= MinSide)
            {
                fittedWidth -= Multiple;
            }
            else if (fittedHeight > fittedWidth && fittedHeight - Multiple >= MinSide)
            {
                fittedHeight -= Multiple;
            }
            else
            {
                break;
            }
        }

        return new ImageSize(fittedWidth, fittedHeight);

        int Snap(double side, bool pixelsFloor)
        {
            // Round down when a pixel ceiling applies so rounding never pushes the size over it.
            double steps = pixelsFloor ? Math.Floor(side / Multiple) : Math.Round(side / Multiple);
            int snapped = (int)(steps * Multiple);
            int min = (MinSide + Multiple - 1) / Multiple * Multiple;
            int max = MaxSide / Multiple * Multiple;
            return Math.Clamp(snapped, Math.Max(min, 1), Math.Max(max, 1));
        }
    }
}
