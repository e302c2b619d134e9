using System.Globalization;
using Spectre.Console;
using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Progress;

/// <summary>
/// Shows what a command is waiting for: a live Spectre.Console bar (status, queue position, percent, elapsed) on a
/// terminal, or one plain line per change on stderr when output is redirected or <c>--plain</c> is given.
/// </summary>
internal abstract class ProgressDisplay : IJobProgressSink
{
    /// <summary>The display for this run.</summary>
    public static ProgressDisplay Create(CliContext context, bool plain, IAnsiConsole console) =>
        plain ? new PlainProgressDisplay(context.Error, context.TimeProvider) : new LiveProgressDisplay(console);

    /// <summary>Runs <paramref name="work"/> while the display shows <paramref name="title"/> and the progress reported.</summary>
    public abstract Task<T> RunAsync<T>(string title, Func<Task<T>> work);

    /// <inheritdoc/>
    public abstract void Report(JobProgress progress);
}

/// <summary>Plain lines for logs and pipes: one when the state, queue position or tenth of progress changes.</summary>
internal sealed class PlainProgressDisplay(TextWriter writer, TimeProvider timeProvider) : ProgressDisplay
{
    private readonly object _gate = new();
    private long _started = timeProvider.GetTimestamp();
    private string? _last;

    /// <inheritdoc/>
    public override async Task<T> RunAsync<T>(string title, Func<Task<T>> work)
    {
        _started = timeProvider.GetTimestamp();
        Write(title);
        return await work().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void Report(JobProgress progress)
    {
        // Round to tenths so a provider that reports every percent does not flood the log.
        var coarse = progress with { Fraction = progress.Fraction is { } f ? Math.Floor(f * 10) / 10 : null };
        string line = coarse.Describe();
        lock (_gate)
        {
            if (line == _last)
            {
                return;
            }

            _last = line;
        }

        Write(line);
    }

    private void Write(string text)
    {
        var elapsed = timeProvider.GetElapsedTime(_started);
        lock (_gate)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(int)elapsed.TotalMinutes:00}:{elapsed.Seconds:00}] {text}"));
        }
    }
}

/// <summary>A live bar with a spinner, the job's state, percent and elapsed time.</summary>
internal sealed class LiveProgressDisplay(IAnsiConsole console) : ProgressDisplay
{
    private ProgressTask? _task;

    /// <inheritdoc/>
    public override Task<T> RunAsync<T>(string title, Func<Task<T>> work) =>
        new Spectre.Console.Progress(console)
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                _task = context.AddTask(Markup.Escape(title), maxValue: 1.0);
                _task.IsIndeterminate = true;
                try
                {
                    return await work().ConfigureAwait(false);
                }
                finally
                {
                    _task.Value = _task.MaxValue;
                    _task.StopTask();
                }
            });

    /// <inheritdoc/>
    public override void Report(JobProgress progress)
    {
        if (_task is not { } task)
        {
            return;
        }

        task.Description = Markup.Escape(progress.Describe());
        task.IsIndeterminate = progress.Fraction is null;
        if (progress.Fraction is { } fraction)
        {
            task.Value = Math.Clamp(fraction, 0, 1);
        }
    }
}
