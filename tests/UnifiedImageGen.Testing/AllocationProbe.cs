using System.Net;
using System.Net.Http.Headers;

namespace UnifiedImageGen.Testing;

/// <summary>
/// Measures what one call allocates, deterministically: the handler answers synchronously from one shared body, so the
/// whole call completes on the calling thread and <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees all of it.
/// </summary>
public static class AllocationProbe
{
    /// <summary>Bytes allocated by the second of two calls (the first warms up statics and the JIT).</summary>
    public static long MeasureSecondCall<T>(Func<Task<T>> call)
    {
        Complete(call());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = Complete(call());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(result);
        return allocated;
    }

    private static T Complete<T>(Task<T> task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("The call did not complete synchronously, so allocations on other threads would be missed.");
        }

        return task.GetAwaiter().GetResult();
    }
}

/// <summary>Answers every request with the same body (shared array, known length), synchronously, recording nothing.</summary>
public sealed class StaticBodyHandler(byte[] body, string contentType) : HttpMessageHandler
{
    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        content.Headers.ContentLength = body.Length;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
