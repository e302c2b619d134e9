using System.Collections.Concurrent;

namespace UnifiedImageGen.Costs;

/// <summary>
/// The billable work providers accepted during one priced call, so <see cref="CostTrackingImageGenerator"/> can charge
/// work that was accepted and then failed (a download 404, a poll error, a cancellation), which the provider bills.
/// </summary>
/// <remarks>
/// The cost layer opens one per call; <see cref="Providers.ProviderTransport"/> records every request marked with
/// <see cref="Providers.ProviderTransport.MarkBillableSubmit"/> that the provider answered with a success status; and
/// <see cref="Providers.ImageBatch"/>, which every router attempt and every provider call runs through, runs each call
/// as a part: a part's submits count as delivered (and so priced from the result) only when that part returned a result.
/// The context flows with the async call (an <see cref="AsyncLocal{T}"/>), so concurrent calls never see each other's.
/// </remarks>
internal sealed class BillableWork
{
    private static readonly AsyncLocal<Part?> CurrentPart = new();
    private readonly ConcurrentQueue<AcceptedSubmit> _submits = new();

    /// <summary>Every submit accepted so far, in order.</summary>
    public IReadOnlyList<AcceptedSubmit> Submits => _submits.ToArray();

    /// <summary>Runs the whole priced call as the outermost part of this tracker.</summary>
    public Task<T> TrackAsync<T>(Func<Task<T>> call) => RunAsync(new Part(this), call);

    /// <summary>Runs one call of a batch or one route's attempt as a part of the call being tracked, if any.</summary>
    public static Task<T> RunPartAsync<T>(Func<Task<T>> call) =>
        CurrentPart.Value is { } parent ? RunAsync(new Part(parent.Work), call) : call();

    /// <summary>Records that <paramref name="provider"/> accepted billable work for <paramref name="images"/> images.</summary>
    public static void RecordAccepted(string provider, string model, int images)
    {
        if (CurrentPart.Value is { } part)
        {
            var submit = new AcceptedSubmit(provider, model, Math.Max(images, 1));
            part.Work._submits.Enqueue(submit);
            part.Add(submit);
        }
    }

    // An async method: the part set here is seen by everything the call awaits, and never by the caller.
    private static async Task<T> RunAsync<T>(Part part, Func<Task<T>> call)
    {
        CurrentPart.Value = part;
        var result = await call().ConfigureAwait(false);
        part.Deliver();
        return result;
    }

    private sealed class Part(BillableWork work)
    {
        private readonly ConcurrentQueue<AcceptedSubmit> _own = new();

        public BillableWork Work { get; } = work;

        public void Add(AcceptedSubmit submit) => _own.Enqueue(submit);

        public void Deliver()
        {
            foreach (var submit in _own)
            {
                submit.Delivered = true;
            }
        }
    }
}

/// <summary>One billable submit a provider accepted.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="Model">The model the work was for.</param>
/// <param name="Images">The images it asks for.</param>
internal sealed record AcceptedSubmit(string Provider, string Model, int Images)
{
    private volatile bool _delivered;

    /// <summary>Whether the call it belongs to returned a result (so the result's cost covers it).</summary>
    public bool Delivered
    {
        get => _delivered;
        set => _delivered = value;
    }
}
