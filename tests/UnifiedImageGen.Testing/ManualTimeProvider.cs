namespace UnifiedImageGen.Testing;

/// <summary>
/// A clock that moves only when a test moves it, so backoff, polling, timeouts and budgets are tested without sleeping.
/// Timers fire synchronously inside <see cref="Advance"/>, in due order.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _timestampTicks;

    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Every non-infinite due time a timer was created or changed with, in order.</summary>
    public List<TimeSpan> RequestedDelays { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _timestampTicks;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _timestampTicks += (target - _now).Ticks;
                    _now = target;
                    return;
                }

                _timestampTicks += (next.Due - _now).Ticks;
                _now = next.Due;
                if (next.Period > TimeSpan.Zero)
                {
                    next.Due = _now + next.Period;
                }
                else
                {
                    _timers.Remove(next);
                }
            }

            next.Fire();
        }
    }

    /// <summary>The time until the earliest pending timer, if any is due within <paramref name="horizon"/>.</summary>
    public TimeSpan? NextTimerWithin(TimeSpan horizon)
    {
        lock (_gate)
        {
            var due = _timers.Where(t => t.Due - _now <= horizon).Select(t => (DateTimeOffset?)t.Due).Min();
            return due - _now;
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds (a background call reached a stage), moving the clock only to
    /// timers due within <paramref name="horizon"/> (poll intervals, backoff), never while the call is busy elsewhere,
    /// so a slow machine cannot run the clock past a deadline such as MaxWait.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan? horizon = null)
    {
        var limit = horizon ?? TimeSpan.FromMinutes(1);
        var watchdog = global::System.Diagnostics.Stopwatch.StartNew(); // real time, only to fail a hung test
        while (!condition())
        {
            if (watchdog.Elapsed > TestTimeouts.Hang)
            {
                throw new TimeoutException($"The condition did not hold within {TestTimeouts.Hang.TotalSeconds:0} s of real time.");
            }

            if (NextTimerWithin(limit) is { } wait)
            {
                Advance(wait);
            }

            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lets <paramref name="task"/> run, jumping the clock to each timer due within <paramref name="horizon"/> whenever
    /// the task waits on one (backoff delays, poll intervals). Timers further out (total timeouts) are left alone.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> task, TimeSpan? horizon = null)
    {
        await RunAsync((Task)task, horizon);
        return await task;
    }

    /// <inheritdoc cref="RunAsync{T}(Task{T}, TimeSpan?)"/>
    public async Task RunAsync(Task task, TimeSpan? horizon = null)
    {
        var limit = horizon ?? TimeSpan.FromMinutes(2);
        var watchdog = global::System.Diagnostics.Stopwatch.StartNew(); // real time, only to fail a hung test instead of spinning forever
        while (!task.IsCompleted)
        {
            if (watchdog.Elapsed > TestTimeouts.Hang)
            {
                throw new TimeoutException($"The task neither completed nor waited on a timer within {TestTimeouts.Hang.TotalSeconds:0} s of real time.");
            }

            // Give continuations a chance to run and register their timers before the clock moves.
            for (int i = 0; i < 20 && !task.IsCompleted; i++)
            {
                await Task.Yield();
            }

            if (!task.IsCompleted && NextTimerWithin(limit) is { } wait)
            {
                Advance(wait);
            }
        }

        await task.ConfigureAwait(false);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                owner.RequestedDelays.Add(dueTime);
                Due = owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                owner._timers.Add(this);
            }

            if (dueTime == TimeSpan.Zero)
            {
                owner.Advance(TimeSpan.Zero);
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
