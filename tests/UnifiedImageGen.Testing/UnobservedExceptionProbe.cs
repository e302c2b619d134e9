using System.Collections.Concurrent;

namespace UnifiedImageGen.Testing;

/// <summary>
/// Records the unobserved task exceptions that mention <see cref="Marker"/> (so other tests running in the process
/// cannot add theirs), after a full collection has run the finalizers that report them.
/// </summary>
public sealed class UnobservedExceptionProbe : IDisposable
{
    private readonly ConcurrentQueue<Exception> _seen = new();

    /// <summary>Starts listening.</summary>
    /// <param name="name">What is probed, put at the start of the marker.</param>
    public UnobservedExceptionProbe(string name)
    {
        Marker = name + " " + Guid.NewGuid().ToString("N");
        TaskScheduler.UnobservedTaskException += Record;
    }

    /// <summary>Text to put in the exceptions the probed code may leave unobserved.</summary>
    public string Marker { get; }

    /// <summary>Collects twice (the second pass finalizes what the first freed) and returns what was reported.</summary>
    public IReadOnlyCollection<Exception> AfterFullCollection()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return _seen;
    }

    /// <inheritdoc/>
    public void Dispose() => TaskScheduler.UnobservedTaskException -= Record;

    private void Record(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        if (e.Exception.ToString().Contains(Marker, StringComparison.Ordinal))
        {
            _seen.Enqueue(e.Exception);
        }
    }
}
