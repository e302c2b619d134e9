using System.Collections.Concurrent;

namespace UnifiedImageGen.Emulator.Faults;

/// <summary>The faults the emulator injects, changed by tests while it runs.</summary>
public sealed class FaultSchedule
{
    private readonly ConcurrentQueue<FaultRule> _rules = new();

    /// <summary>Adds a rule.</summary>
    /// <param name="rule">The rule.</param>
    public void Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _rules.Enqueue(rule);
    }

    /// <summary>Removes every rule.</summary>
    public void Clear() => _rules.Clear();

    /// <summary>The fault for one exchange, if any rule hits it (the first added wins).</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="ordinal">The exchange's ordinal.</param>
    public FaultKind? Find(string provider, EmulatedOperation operation, int ordinal) =>
        _rules.FirstOrDefault(r => r.Operation == operation && string.Equals(r.Provider, provider, StringComparison.Ordinal) && r.Hits(ordinal))?.Kind;
}
