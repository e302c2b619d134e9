using System.Collections.Concurrent;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Traffic;

/// <summary>What the emulator saw: requests per provider and operation, TCP connections, and requests held open by a stall.</summary>
public sealed class TrafficLog
{
    private readonly ConcurrentDictionary<(string Provider, EmulatedOperation Operation), int> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _allConnections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _accepted = new(StringComparer.Ordinal);
    private int _stalled;
    private int _dripping;
    private int _active;
    private int _peakActive;

    /// <summary>Requests being held open by a <see cref="FaultKind.Stall"/> right now.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    /// <summary>
    /// Answers whose headers went out but whose body a <see cref="FaultKind.Drip"/> is holding back (also counted in
    /// <see cref="Stalled"/>): the client has its headers, so it no longer counts the request as waiting for them.
    /// </summary>
    public int Dripping => Volatile.Read(ref _dripping);

    /// <summary>The most requests the emulator was handling at once.</summary>
    public int PeakConcurrentRequests => Volatile.Read(ref _peakActive);

    /// <summary>Distinct TCP connections seen, over all providers.</summary>
    public int TotalConnections => _allConnections.Count;

    /// <summary>Requests of one provider and operation.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="operation">The operation.</param>
    public int Count(string provider, EmulatedOperation operation) => _requests.TryGetValue((provider, operation), out int n) ? n : 0;

    /// <summary>Requests of one provider, every operation.</summary>
    /// <param name="provider">The provider.</param>
    public int Count(string provider) => _requests.Where(r => r.Key.Provider == provider).Sum(r => r.Value);

    /// <summary>Billable submits of one provider answered with a success status: work the provider accepted and bills.</summary>
    /// <param name="provider">The provider.</param>
    public int Accepted(string provider) => _accepted.TryGetValue(provider, out int n) ? n : 0;

    /// <summary>All requests.</summary>
    public int TotalRequests => _requests.Values.Sum();

    /// <summary>Distinct TCP connections a provider's requests came on.</summary>
    /// <param name="provider">The provider.</param>
    public int Connections(string provider) => _connections.TryGetValue(provider, out var set) ? set.Count : 0;

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _requests.Clear();
        _connections.Clear();
        _allConnections.Clear();
        _accepted.Clear();
        Volatile.Write(ref _peakActive, 0);
    }

    internal int Begin(string provider, EmulatedOperation operation, string connectionId)
    {
        _connections.GetOrAdd(provider, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(connectionId, 0);
        _allConnections.TryAdd(connectionId, 0);
        int active = Interlocked.Increment(ref _active);
        int peak;
        while (active > (peak = Volatile.Read(ref _peakActive)) && Interlocked.CompareExchange(ref _peakActive, active, peak) != peak)
        {
        }

        return _requests.AddOrUpdate((provider, operation), 1, (_, n) => n + 1);
    }

    internal void SubmitAccepted(string provider) => _accepted.AddOrUpdate(provider, 1, (_, n) => n + 1);

    internal void End() => Interlocked.Decrement(ref _active);

    internal void StallStarted() => Interlocked.Increment(ref _stalled);

    internal void StallEnded() => Interlocked.Decrement(ref _stalled);

    internal void DripStarted() => Interlocked.Increment(ref _dripping);

    internal void DripEnded() => Interlocked.Decrement(ref _dripping);
}
