using System.Buffers;
using System.Net.Http.Headers;

namespace UnifiedImageGen.Http;

/// <summary>
/// A response body read into an array rented from <see cref="ArrayPool{T}.Shared"/>, so parsing a multi-megabyte
/// JSON body allocates nothing on the large-object heap. Dispose it to return the array.
/// </summary>
public sealed class PooledBuffer : IDisposable
{
    private byte[]? _array;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>The number of bytes read.</summary>
    public int Length { get; }

    /// <summary>The bytes read.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned.</exception>
    public ReadOnlySpan<byte> Span => (_array ?? throw new ObjectDisposedException(nameof(PooledBuffer))).AsSpan(0, Length);

    /// <summary>The bytes read.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned.</exception>
    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledBuffer))).AsMemory(0, Length);

    /// <summary>Reads a whole body into a pooled buffer, sized from <c>Content-Length</c> when known.</summary>
    /// <param name="content">The body.</param>
    /// <param name="maxBytes">The most bytes to accept.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ImageGenerationException">Kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>: the body is larger than <paramref name="maxBytes"/>.</exception>
    public static async Task<PooledBuffer> ReadAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        long? declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(declared.Value, maxBytes);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] array = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 64 * 1024, 1, int.MaxValue) + (declared is null ? 0 : 1));
            int length = 0;
            try
            {
                while (true)
                {
                    if (length == array.Length)
                    {
                        if (length >= maxBytes)
                        {
                            throw TooLarge(length + 1L, maxBytes);
                        }

                        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)array.Length * 2, Math.Min(maxBytes + 1, Array.MaxLength)));
                        array.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(array);
                        array = larger;
                    }

                    int read = await stream.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        throw TooLarge(length, maxBytes);
                    }
                }

                var buffer = new PooledBuffer(array, length);
                array = null!;
                return buffer;
            }
            finally
            {
                if (array is not null)
                {
                    ArrayPool<byte>.Shared.Return(array);
                }
            }
        }
    }

    /// <summary>
    /// Reads a whole body into one exact-size array: one allocation when <c>Content-Length</c> is known (raw image
    /// bodies), a pooled read and one copy when it is not.
    /// </summary>
    /// <param name="content">The body.</param>
    /// <param name="maxBytes">The most bytes to accept.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ImageGenerationException">The body is larger than <paramref name="maxBytes"/>, or shorter than its <c>Content-Length</c>.</exception>
    public static async Task<byte[]> ReadExactAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Headers.ContentLength is not { } declared)
        {
            using var pooled = await ReadAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
            return pooled.Span.ToArray();
        }

        if (declared > maxBytes)
        {
            throw TooLarge(declared, maxBytes);
        }

        byte[] data = declared == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)declared);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int length = 0;
            while (length < data.Length)
            {
                int read = await stream.ReadAsync(data.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The response body ended after {length:N0} of the {declared:N0} bytes it announced.") { IsTransient = true };
                }

                length += read;
            }
        }

        return data;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>Whether the content is JSON (<c>application/json</c> or <c>*+json</c>).</summary>
    /// <param name="content">The content.</param>
    public static bool IsJsonContent(HttpContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return IsJson(content.Headers.ContentType);
    }

    internal static bool IsJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } type && (type.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static ImageGenerationException TooLarge(long size, long max) =>
        new(ImageGenerationErrorKind.UnexpectedResponse, $"The response body is {size:N0} bytes or more; the limit is {max:N0} bytes.");
}
