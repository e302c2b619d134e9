using System.Collections.Concurrent;
using System.Diagnostics;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Infrastructure;

/// <summary>
/// A manual clock for calls that go over real loopback sockets. It wraps <see cref="ManualTimeProvider"/> and knows
/// which timers are guards (the resilience attempt and total timeouts, recognised by their configured lengths) and
/// which are waits (backoff, <c>Retry-After</c>, poll intervals). <see cref="RunAsync{T}"/> moves the clock only when
/// no HTTP attempt is waiting for an answer other than those the emulator is deliberately stalling, and then only to
/// the next wait; a guard is jumped to only while a request is stalled (that is how a stalled attempt times out). So a
/// guard armed a moment before its request reaches the socket is never fired early, however slow that moment is.
/// </summary>
internal sealed class LoopbackClock(ManualTimeProvider inner, params TimeSpan[] guardLengths) : TimeProvider
{
    private readonly ConcurrentDictionary<TrackedTimer, byte> _timers = new();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Inner = inner.CreateTimer(s => tracked.Fire(callback, s), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        tracked.Change(dueTime, period);
        return tracked;
    }

    /// <summary>Runs <paramref name="task"/>, moving the clock as described on the class.</summary>
    public async Task<T> RunAsync<T>(Task<T> task, Func<int> attemptsInFlight, Func<int> stalled)
    {
        var watchdog = Stopwatch.StartNew(); // real time, only to fail a hung test instead of spinning
        DateTimeOffset? seen = null;
        while (!task.IsCompleted)
        {
            if (watchdog.Elapsed > TestTimeouts.Hang)
            {
                throw new TimeoutException($"The call neither finished nor waited on a timer within {TestTimeouts.Hang.TotalSeconds:0} s of real time.");
            }

            // Wait for I/O progress (or a millisecond) before looking again.
            await Task.WhenAny(task, Task.Delay(1));
            int stalledNow = stalled();
            DateTimeOffset? next = !task.IsCompleted && attemptsInFlight() == stalledNow ? NextDue(includeGuards: stalledNow > 0) : null;
            if (next is not null && next == seen)
            {
                var delta = next.Value - GetUtcNow();
                inner.Advance(delta > TimeSpan.Zero ? delta : TimeSpan.Zero);
                seen = null;
            }
            else
            {
                seen = next;
            }
        }

        return await task;
    }

    private bool IsGuardLength(TimeSpan dueTime) => guardLengths.Contains(dueTime);

    private DateTimeOffset? NextDue(bool includeGuards) =>
        _timers.Keys.Where(t => t.Due is not null && (includeGuards || !t.IsGuard)).Select(t => t.Due).Min();

    private sealed class TrackedTimer(LoopbackClock owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        // Decided on each Change: Polly arms its timeouts by CancelAfter on a token source made with no due time.
        public bool IsGuard { get; private set; }

        public DateTimeOffset? Due { get; private set; }

        private TimeSpan _period;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            IsGuard = owner.IsGuardLength(dueTime);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                Due = null;
                owner._timers.TryRemove(this, out _);
            }
            else
            {
                Due = owner.GetUtcNow() + dueTime;
                owner._timers[this] = 0;
            }

            return Inner.Change(dueTime, period);
        }

        public void Fire(TimerCallback callback, object? state)
        {
            if (_period > TimeSpan.Zero)
            {
                Due = owner.GetUtcNow() + _period;
            }
            else
            {
                Due = null;
                owner._timers.TryRemove(this, out _);
            }

            callback(state);
        }

        public void Dispose()
        {
            owner._timers.TryRemove(this, out _);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
