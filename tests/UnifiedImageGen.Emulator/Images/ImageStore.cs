using System.Collections.Concurrent;
using System.Security.Cryptography;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Emulator.Images;

/// <summary>
/// Renders a distinct small PNG for every image a provider "generates", serves those handed out as URLs, and records
/// which images reached the client whole (so a test can check that none was lost or invented).
/// </summary>
public sealed class ImageStore
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _delivered = new(StringComparer.Ordinal);
    private int _rendered;

    /// <summary>Renders a new image: 16x16 pixels whose colours encode a running number, so no two are alike.</summary>
    public byte[] Render()
    {
        int n = Interlocked.Increment(ref _rendered);
        const int Side = 16;
        var rgba = new byte[Side * Side * 4];
        for (int i = 0; i < Side * Side; i++)
        {
            rgba[i * 4] = (byte)n;
            rgba[(i * 4) + 1] = (byte)(n >> 8);
            rgba[(i * 4) + 2] = (byte)(i + (n >> 16));
            rgba[(i * 4) + 3] = 255;
        }

        return PngEncoder.Encode(rgba, Side, Side);
    }

    /// <summary>Keeps an image to serve under a file name (the last segment of the URL the provider answers with).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="data">The image.</param>
    public void Host(string name, byte[] data) => _files[name] = data;

    /// <summary>An image kept under <paramref name="name"/>.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="data">The image.</param>
    public bool TryGet(string name, out byte[] data) => _files.TryGetValue(name, out data!);

    /// <summary>SHA-256 (hex) of every image a provider delivered whole, inline or by download.</summary>
    /// <param name="provider">The provider.</param>
    public IReadOnlyList<string> Delivered(string provider) => _delivered.TryGetValue(provider, out var queue) ? queue.ToArray() : [];

    /// <summary>The SHA-256 (hex) the store uses to identify an image.</summary>
    /// <param name="data">The image bytes.</param>
    public static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data));

    /// <summary>Forgets hosted files and deliveries.</summary>
    public void Clear()
    {
        _files.Clear();
        _delivered.Clear();
    }

    internal void MarkDelivered(string provider, IEnumerable<byte[]> images)
    {
        var queue = _delivered.GetOrAdd(provider, _ => new ConcurrentQueue<string>());
        foreach (var image in images)
        {
            queue.Enqueue(Hash(image));
        }
    }
}
