using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Distributed;

namespace UnifiedImageGen.Caching;

/// <summary>
/// An <see cref="IImageCache"/> over any <see cref="IDistributedCache"/> (Redis, SQL Server, ...), so a fleet shares one
/// cache. An entry is one binary value: a magic number, a small JSON header with the metadata, then the raw image
/// bytes (no base64). Reading slices the images out of the value without copying them.
/// </summary>
public sealed class DistributedImageCache : IImageCache
{
    private static ReadOnlySpan<byte> Magic => "UIGC\u0001"u8;

    private readonly IDistributedCache _cache;
    private readonly string _keyPrefix;

    /// <summary>Creates the cache.</summary>
    /// <param name="cache">The distributed cache.</param>
    /// <param name="keyPrefix">Prepended to every key, to share a cache with other data.</param>
    public DistributedImageCache(IDistributedCache cache, string keyPrefix = "unifiedimagegen:")
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _keyPrefix = keyPrefix ?? "";
    }

    /// <inheritdoc/>
    public async ValueTask<ImageGenerationResult?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        byte[]? value = await _cache.GetAsync(_keyPrefix + key, cancellationToken).ConfigureAwait(false);
        return value is null ? null : TryRead(value);
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(string key, ImageGenerationResult result, TimeSpan expiration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        await _cache.SetAsync(_keyPrefix + key, Write(result), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = expiration }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        await _cache.RemoveAsync(_keyPrefix + key, cancellationToken).ConfigureAwait(false);

    internal static byte[] Write(ImageGenerationResult result)
    {
        var header = new CacheHeader
        {
            Provider = result.Provider,
            Model = result.Model,
            ProviderRequestId = result.ProviderRequestId,
            EstimatedUsd = result.Cost?.EstimatedUsd,
            ReportedUsd = result.Cost?.ReportedUsd,
            CostBasis = result.Cost?.Basis,
            Warnings = result.Warnings.Select(w => new CacheWarning { Kind = w.Kind, Setting = w.Setting, Message = w.Message, RequestedValue = w.RequestedValue, AppliedValue = w.AppliedValue }).ToList(),
            Images = result.Images.Select(i => new CacheImage { Length = i.Data.Length, MediaType = i.MediaType, Width = i.Width, Height = i.Height, Seed = i.Seed, RevisedPrompt = i.RevisedPrompt, ContentFlagged = i.ContentFlagged }).ToList(),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, CachingJsonContext.Default.CacheHeader);
        long total = Magic.Length + 4 + json.Length + result.Images.Sum(i => (long)i.Data.Length);
        var value = new byte[total];
        var span = value.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[Magic.Length..], json.Length);
        json.CopyTo(span[(Magic.Length + 4)..]);
        int offset = Magic.Length + 4 + json.Length;
        foreach (var image in result.Images)
        {
            image.Data.Span.CopyTo(span[offset..]);
            offset += image.Data.Length;
        }

        return value;
    }

    internal static ImageGenerationResult? TryRead(byte[] value)
    {
        if (value.Length < Magic.Length + 4 || !value.AsSpan().StartsWith(Magic))
        {
            return null; // another version or foreign data: a miss, not an error
        }

        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(Magic.Length));
        if (headerLength < 0 || Magic.Length + 4 + headerLength > value.Length)
        {
            return null;
        }

        CacheHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(value.AsSpan(Magic.Length + 4, headerLength), CachingJsonContext.Default.CacheHeader);
        }
        catch (JsonException)
        {
            return null;
        }

        if (header is null || header.Provider is null || header.Model is null)
        {
            return null;
        }

        int offset = Magic.Length + 4 + headerLength;
        var images = new List<GeneratedImage>(header.Images.Count);
        foreach (var image in header.Images)
        {
            if (image.Length < 0 || offset + image.Length > value.Length)
            {
                return null;
            }

            images.Add(new GeneratedImage
            {
                Data = value.AsMemory(offset, image.Length),
                MediaType = image.MediaType ?? "application/octet-stream",
                Width = image.Width,
                Height = image.Height,
                Seed = image.Seed,
                RevisedPrompt = image.RevisedPrompt,
                ContentFlagged = image.ContentFlagged,
            });
            offset += image.Length;
        }

        return new ImageGenerationResult
        {
            Images = images,
            Provider = header.Provider,
            Model = header.Model,
            ProviderRequestId = header.ProviderRequestId,
            Warnings = header.Warnings.Select(w => new ImageGenerationWarning(w.Kind, w.Setting ?? "", w.Message ?? "") { RequestedValue = w.RequestedValue, AppliedValue = w.AppliedValue }).ToArray(),
            Cost = header.EstimatedUsd is null && header.ReportedUsd is null ? null : new ImageCost { EstimatedUsd = header.EstimatedUsd ?? 0m, ReportedUsd = header.ReportedUsd, Basis = header.CostBasis ?? "" },
        };
    }
}

internal sealed class CacheHeader
{
    public string? Provider { get; set; }

    public string? Model { get; set; }

    public string? ProviderRequestId { get; set; }

    public decimal? EstimatedUsd { get; set; }

    public decimal? ReportedUsd { get; set; }

    public string? CostBasis { get; set; }

    public List<CacheWarning> Warnings { get; set; } = [];

    public List<CacheImage> Images { get; set; } = [];
}

internal sealed class CacheWarning
{
    public ImageGenerationWarningKind Kind { get; set; }

    public string? Setting { get; set; }

    public string? Message { get; set; }

    public string? RequestedValue { get; set; }

    public string? AppliedValue { get; set; }
}

internal sealed class CacheImage
{
    public int Length { get; set; }

    public string? MediaType { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    public long? Seed { get; set; }

    public string? RevisedPrompt { get; set; }

    public bool? ContentFlagged { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CacheHeader))]
internal sealed partial class CachingJsonContext : JsonSerializerContext;
