using System.Buffers;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>Hostile inputs that cost nothing to make.</summary>
public static class Hostile
{
    public static byte[] Png(int width, int height) => PngEncoder.Encode(new byte[width * height * 4], width, height);

    /// <summary>Memory that claims <paramref name="length"/> bytes but has none: reading it fails the test.</summary>
    public static ReadOnlyMemory<byte> Claiming(int length) => new PhantomMemory(length).Memory;

    /// <summary>
    /// A request count as an attacker or a bug would send it: mostly valid (1..4), else zero, negative, the extremes of
    /// int, or far above the 128 limit. A count below 1 that reached a cost layer would reserve a negative estimate.
    /// </summary>
    public static int Count(Random random) => random.Next(12) switch
    {
        0 => 0,
        1 => random.Next(int.MinValue, 0),
        2 => int.MinValue,
        3 => int.MaxValue,
        4 => random.Next(129, int.MaxValue),
        5 => -1,
        _ => random.Next(1, 5),
    };

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
