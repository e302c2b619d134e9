using System.Buffers;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>Hostile inputs that cost nothing to make.</summary>
public static class Hostile
{
    public static byte[] Png(int width, int height) => PngEncoder.Encode(new byte[width * height * 4], width, height);

    /// <summary>
    /// Random bytes that are not a whole image, of the kinds a broken CDN, a proxy or a buggy provider hands over in
    /// place of one: HTML, zeros, a cut-off PNG, or a PNG, JPEG or WebP header followed by garbage.
    /// </summary>
    public static (string Kind, byte[] Bytes) NonImage(Random random)
    {
        byte[] Garbage(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        var png = Png(random.Next(1, 40), random.Next(1, 40));
        switch (random.Next(7))
        {
            case 0:
                return ("HTML", System.Text.Encoding.UTF8.GetBytes($"<!DOCTYPE html><html><body><h1>502 Bad Gateway {random.Next()}</h1></body></html>"));
            case 1:
                return ("zeros", new byte[random.Next(0, 5000)]);
            case 2:
                return ("truncated PNG", png[..random.Next(1, png.Length - 1)]);
            case 3:
                return ("PNG header + garbage", [.. png[..random.Next(8, 34)], .. Garbage(random.Next(1, 3000))]);
            case 4:
                return ("JPEG header + garbage", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, .. Garbage(random.Next(1, 3000))]);
            case 5:
                var body = Garbage(random.Next(8, 3000));
                var webp = new byte[12 + body.Length];
                "RIFF"u8.CopyTo(webp);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(4), (uint)(webp.Length - 8));
                "WEBP"u8.CopyTo(webp.AsSpan(8));
                body.CopyTo(webp, 12);
                return ("WebP header + garbage", webp);
            default:
                return ("JSON", System.Text.Encoding.UTF8.GetBytes("{\"error\":\"not found\"}"));
        }
    }

    /// <summary>Memory that claims <paramref name="length"/> bytes but has none: reading it fails the test.</summary>
    public static ReadOnlyMemory<byte> Claiming(int length) => new PhantomMemory(length).Memory;

    /// <summary>The provider's own answer as given, or (for tests that expect a refusal) the exception thrown.</summary>
    public static async Task<Exception?> Catch(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private sealed class PhantomMemory(int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => throw new InvalidOperationException($"The {length:N0}-byte input was read; it must be refused by its length alone.");

        public override MemoryHandle Pin(int elementIndex = 0) => throw new InvalidOperationException("The input was pinned; it must be refused by its length alone.");

        public override void Unpin()
        {
        }

        public override Memory<byte> Memory => CreateMemory(length);

        protected override void Dispose(bool disposing)
        {
        }
    }

    /// <summary>A body that claims a huge Content-Length and fails the test if anyone reads it.</summary>
    public sealed class ClaimingContent : HttpContent
    {
        public ClaimingContent(long length, string mediaType)
        {
            Headers.ContentLength = length;
            Headers.ContentType = new(mediaType);
        }

        public bool Read { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            Read = true;
            throw new InvalidOperationException("The 10 GB body was read; it must be refused by its Content-Length.");
        }

        protected override Task<Stream> CreateContentReadStreamAsync()
        {
            Read = true;
            throw new InvalidOperationException("The 10 GB body was read; it must be refused by its Content-Length.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = Headers.ContentLength ?? -1;
            return length >= 0;
        }
    }
}
