namespace UnifiedImageGen.Reliability.Tests.Infrastructure;

/// <summary>
/// Counts HTTP attempts between send and response headers. It sits innermost in each provider client (below the
/// resilience handler), so it sees single attempts, not whole calls with their backoff.
/// </summary>
internal sealed class InFlightCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public DelegatingHandler CreateHandler() => new CountingHandler(this);

    private sealed class CountingHandler(InFlightCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter._count);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref counter._count);
            }
        }
    }
}
