using System.Buffers;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>Hostile inputs that cost nothing to make.</summary>
public static class Hostile
{
    public static byte[] Png(int width, int height) => PngEncoder.Encode(new byte[width * height * 4], width, height);

    /// <summary>A PNG of the same size as <see cref="Png"/> but other pixels: equal lengths, different bytes.</summary>
    public static byte[] Png(int width, int height, byte fill) => PngEncoder.Encode(Enumerable.Repeat(fill, width * height * 4).ToArray(), width, height);

    /// <summary>
    /// Values that made different requests share a cache key in a naive canonical form: separators, the words a
    /// form writes for null or a default, numbers that read like strings, list-like text, option names in other cases.
    /// </summary>
    public static readonly string[] KeyLookalikes =
    [
        "", " ", "default", "none", "auto", "random", "null", "0", "1", "1.0", "-0", "NaN", "Infinity", "true",
        "\u001F", "a\u001Fb", "\u001E", "\u0000", "a|b", "a,b", "a;b", "[\"a\",\"b\"]", "{\"a\":1}", "\"", "\\", "System.String[]",
        "System.Collections.Generic.List`1[System.String]", "openai", "OpenAI", "OPENAI", "x=1, y=2", "A", "a",
    ];

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
