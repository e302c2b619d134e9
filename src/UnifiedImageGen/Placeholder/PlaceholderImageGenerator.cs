using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Placeholder;

/// <summary>
/// An offline provider: no key, no network. It renders a deterministic PNG for every request, a gradient with rings
/// whose colours come from a hash of the request, with the prompt's first words as a caption. The same request (and
/// seed) always gives the same bytes, so it serves quick starts, demos and the tests of code built on this SDK.
/// </summary>
public sealed class PlaceholderImageGenerator : IImageGenerator
{
    /// <summary>The provider name, <c>"placeholder"</c>.</summary>
    public const string ProviderName = "placeholder";

    /// <summary>The one model, <c>"placeholder-v1"</c>.</summary>
    public const string ModelId = "placeholder-v1";

    /// <summary>The largest side rendered.</summary>
    public const int MaxSide = 4096;

    private const int MaxCaptionChars = 32;

    private static readonly ImageModelDescriptor Model = new(
        ModelId,
        ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.Inpainting | ImageCapabilities.Outpainting
        | ImageCapabilities.Variations | ImageCapabilities.Upscale | ImageCapabilities.BackgroundRemoval | ImageCapabilities.NegativePrompt
        | ImageCapabilities.Seed | ImageCapabilities.MultipleInputImages | ImageCapabilities.StepsAndGuidance)
    {
        MaxImagesPerCall = 16,
        SizeConstraint = new ImageSizeConstraint(16, MaxSide),
        SupportedFormats = [ImageFormat.Png],
    };

    private readonly PlaceholderImageGeneratorOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the generator.</summary>
    /// <param name="options">Options; defaults when null.</param>
    /// <param name="timeProvider">The clock for <see cref="ImageGenerationResult.Elapsed"/>; the system clock when null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PlaceholderImageGenerator(PlaceholderImageGeneratorOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new PlaceholderImageGeneratorOptions();
        var problems = _options.Validate("PlaceholderImageGeneratorOptions").ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        Metadata = new ImageGeneratorMetadata(ProviderName, endpoint: null, ModelId, [Model], _ => Model);
    }

    /// <inheritdoc/>
    public ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        long started = _timeProvider.GetTimestamp();
        var validation = ImageRequestValidator.Validate(request, Model, _options.UnsupportedSettingBehavior, ProviderName);
        var applied = validation.Request;
        var size = ResolveSize(applied);
        byte[] requestHash = HashRequest(applied, size);
        long baseSeed = applied.Seed ?? (long)(BinaryPrimitives.ReadUInt32BigEndian(requestHash) & 0x7FFFFFFF);
        string caption = _options.DrawCaption ? Caption(applied) : "";

        var images = new GeneratedImage[applied.Count];
        for (int i = 0; i < images.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long seed = baseSeed + i;
            images[i] = new GeneratedImage
            {
                Data = Render(size, requestHash, seed, caption),
                MediaType = "image/png",
                Width = size.Width,
                Height = size.Height,
                Seed = seed,
            };
        }

        return Task.FromResult(new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = ModelId,
            Warnings = validation.Warnings,
            Cost = ImageCost.Free("offline placeholder"),
            ProviderRequestId = "placeholder-" + Convert.ToHexString(requestHash, 0, 8).ToLowerInvariant(),
            Elapsed = _timeProvider.GetElapsedTime(started),
        });
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    private ImageSize ResolveSize(ImageGenerationRequest request)
    {
        if (request.Size is { } size)
        {
            return size;
        }

        if (request.AspectRatio is { } ratio)
        {
            return Model.SizeConstraint!.Fit(ratio.ToSize(1.0, 16));
        }

        if (request.Operation == ImageOperation.Upscale && request.InputImages[0].Size is { } input)
        {
            return Model.SizeConstraint!.Fit(new ImageSize(Math.Min(input.Width * 2, MaxSide), Math.Min(input.Height * 2, MaxSide)));
        }

        if (request.Operation != ImageOperation.Generate && request.InputImages[0].Size is { } source)
        {
            return Model.SizeConstraint!.Fit(source);
        }

        return new ImageSize(_options.DefaultWidth, _options.DefaultHeight);
    }

    private static byte[] HashRequest(ImageGenerationRequest request, ImageSize size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = string.Join(
            "\n",
            request.Operation,
            request.Prompt?.Normalize(NormalizationForm.FormC).Trim() ?? "",
            request.NegativePrompt ?? "",
            size,
            request.Quality?.Value ?? "",
            request.Style ?? "",
            request.Strength?.ToString("R", CultureInfo.InvariantCulture) ?? "",
            request.Steps?.ToString(CultureInfo.InvariantCulture) ?? "",
            request.GuidanceScale?.ToString("R", CultureInfo.InvariantCulture) ?? "");
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        foreach (var input in request.InputImages.Append(request.Mask))
        {
            if (input is not null)
            {
                hash.AppendData(input.IsUri ? Encoding.UTF8.GetBytes(input.Uri!.AbsoluteUri) : SHA256.HashData(input.Data.Span));
            }
        }

        return hash.GetHashAndReset();
    }

    private static string Caption(ImageGenerationRequest request)
    {
        string prompt = (request.Prompt ?? request.Operation.ToString()).Trim();
        var words = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var caption = new StringBuilder();
        foreach (var word in words)
        {
            if (caption.Length + word.Length + 1 > MaxCaptionChars)
            {
                break;
            }

            caption.Append(caption.Length == 0 ? "" : " ").Append(word);
        }

        return caption.Length == 0 && prompt.Length > 0 ? prompt[..Math.Min(prompt.Length, MaxCaptionChars)] : caption.ToString();
    }

    private static byte[] Render(ImageSize size, byte[] requestHash, long seed, string caption)
    {
        Span<byte> seedBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(seedBytes, seed);
        Span<byte> palette = stackalloc byte[32];
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            hash.AppendData(requestHash);
            hash.AppendData(seedBytes);
            hash.GetHashAndReset(palette);
        }

        int width = size.Width, height = size.Height;
        byte[] pixels = ArrayPool<byte>.Shared.Rent(width * height * 4);
        try
        {
            // Two colours for a diagonal gradient, a ring centre and spacing: all from the hash.
            int r0 = palette[0], g0 = palette[1], b0 = palette[2];
            int r1 = palette[3], g1 = palette[4], b1 = palette[5];
            int cx = palette[6] * width / 255, cy = palette[7] * height / 255;
            int ringShift = 3 + (palette[8] % 4);
            long wx = 1 + (palette[9] % 4), wy = 1 + (palette[10] % 4);
            long denominator = Math.Max(1, (wx * (width - 1)) + (wy * (height - 1)));
            int ringScale = Math.Max(1, Math.Max(width, height) / 256);
            for (int y = 0; y < height; y++)
            {
                int row = y * width * 4;
                long dy = (y - cy) / ringScale;
                for (int x = 0; x < width; x++)
                {
                    int t = (int)((((wx * x) + (wy * y)) * 256) / denominator);
                    long dx = (x - cx) / ringScale;
                    bool ring = ((int)Math.Sqrt((dx * dx) + (dy * dy)) >> ringShift & 1) == 1;
                    int shade = ring ? 200 : 256;
                    int o = row + (x * 4);
                    pixels[o] = (byte)(((r0 * (256 - t)) + (r1 * t)) * shade >> 16);
                    pixels[o + 1] = (byte)(((g0 * (256 - t)) + (g1 * t)) * shade >> 16);
                    pixels[o + 2] = (byte)(((b0 * (256 - t)) + (b1 * t)) * shade >> 16);
                    pixels[o + 3] = 255;
                }
            }

            DrawCaption(pixels, width, height, caption);
            return PngEncoder.Encode(pixels.AsSpan(0, width * height * 4), width, height);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    private static void DrawCaption(byte[] pixels, int width, int height, string caption)
    {
        if (caption.Length == 0)
        {
            return;
        }

        int scale = Math.Max(1, Math.Min(width / ((caption.Length * (BitmapFont.GlyphWidth + 1)) + 2), height / 6 / (BitmapFont.GlyphHeight + 2)));
        scale = Math.Min(scale, Math.Max(1, width / 160));
        int bandHeight = (BitmapFont.GlyphHeight + 2) * scale;
        int textWidth = caption.Length * (BitmapFont.GlyphWidth + 1) * scale;
        if (bandHeight > height || textWidth > width)
        {
            return; // too small to caption legibly
        }

        int top = height - bandHeight;
        for (int y = top; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int o = ((y * width) + x) * 4;
                pixels[o] = (byte)(pixels[o] / 4);
                pixels[o + 1] = (byte)(pixels[o + 1] / 4);
                pixels[o + 2] = (byte)(pixels[o + 2] / 4);
            }
        }

        int left = (width - textWidth) / 2;
        for (int c = 0; c < caption.Length; c++)
        {
            for (int gy = 0; gy < BitmapFont.GlyphHeight; gy++)
            {
                for (int gx = 0; gx < BitmapFont.GlyphWidth; gx++)
                {
                    if (!BitmapFont.IsSet(caption[c], gx, gy))
                    {
                        continue;
                    }

                    for (int sy = 0; sy < scale; sy++)
                    {
                        int y = top + scale + (gy * scale) + sy;
                        for (int sx = 0; sx < scale; sx++)
                        {
                            int x = left + (((c * (BitmapFont.GlyphWidth + 1)) + gx) * scale) + sx;
                            int o = ((y * width) + x) * 4;
                            pixels[o] = pixels[o + 1] = pixels[o + 2] = 255;
                        }
                    }
                }
            }
        }
    }
}
