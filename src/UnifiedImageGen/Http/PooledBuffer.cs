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

    // The first buffer a body gets, whatever its Content-Length claims: a header costs the server nothing to send, so
    // the buffer grows only as bytes arrive (doubling, up to the cap).
    private const int FirstBufferBytes = 16 * 1024;

    /// <summary>
    /// Reads a whole body into a pooled buffer that starts small and doubles as bytes arrive, up to
    /// <paramref name="maxBytes"/>: a <c>Content-Length</c> is checked against the cap but never trusted for an allocation.
    /// </summary>
    /// <param name="content">The body.</param>
    /// <param name="maxBytes">The most bytes to accept.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ImageGenerationException">
    /// Kind <see cref="ImageGenerationErrorKind.UnexpectedResponse"/>: the body is larger than <paramref name="maxBytes"/>.
    /// Kind <see cref="ImageGenerationErrorKind.ProviderUnavailable"/> (transient): the connection broke, or the body
    /// ended before its <c>Content-Length</c>.
    /// </exception>
    public static async Task<PooledBuffer> ReadAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        long? declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(declared.Value, maxBytes);
        }

        // One byte past a declared length, so an honest body ends without a last, empty regrowth.
        long fullSize = Math.Min(declared is { } known ? known + 1 : maxBytes + 1, Array.MaxLength);
        byte[]? array = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(fullSize, 1, FirstBufferBytes));
        int length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (length == array.Length)
                    {
                        if (length > maxBytes)
                        {
                            throw TooLarge(length, maxBytes);
                        }

                        long ceiling = length < fullSize ? fullSize : Math.Min(maxBytes + 1, Array.MaxLength);
                        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * array.Length, ceiling));
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
            }

            if (length < declared)
            {
                throw BrokeOff($"the body ended after {length:N0} of the {declared:N0} bytes it announced");
            }

            var buffer = new PooledBuffer(array, length);
            array = null;
            return buffer;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // No inner exception: socket errors can carry the URL.
            throw BrokeOff("the connection broke while the body was read");
        }
        finally
        {
            if (array is not null)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    /// <summary>
    /// Reads a whole body into one exact-size array: the bytes gather in pooled buffers that grow as they arrive (see
    /// <see cref="ReadAsync"/>) and are copied once into an array of their length.
    /// </summary>
    /// <param name="content">The body.</param>
    /// <param name="maxBytes">The most bytes to accept.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ImageGenerationException">As <see cref="ReadAsync"/>.</exception>
    public static async Task<byte[]> ReadExactAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        using var pooled = await ReadAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        if (pooled.Length == 0)
        {
            return [];
        }

        byte[] data = GC.AllocateUninitializedArray<byte>(pooled.Length);
        pooled.Span.CopyTo(data);
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

    private static ImageGenerationException BrokeOff(string what) =>
        new(ImageGenerationErrorKind.ProviderUnavailable, $"The response broke off: {what}. Retry, or route to another provider.") { IsTransient = true };

    private static ImageGenerationException TooLarge(long size, long max) =>
        new(ImageGenerationErrorKind.UnexpectedResponse, $"The response body is {size:N0} bytes or more; the limit is {max:N0} bytes.");
}
