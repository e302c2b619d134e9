namespace Sample05;

/// <summary>
/// A plain console progress bar: redrawn in place on a terminal, one line per 10% when the output is a file or a
/// pipe (CI logs stay short).
/// </summary>
internal sealed class ProgressBar(TextWriter output, int total, bool interactive)
{
    private const int Width = 30;
    private readonly Lock _gate = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private int _done;
    private int _failed;
    private int _lastTenth;

    public void Advance(bool failed)
    {
        lock (_gate)
        {
            _done++;
            _failed += failed ? 1 : 0;
            int tenth = total == 0 ? 10 : _done * 10 / total;
            if (interactive)
            {
                output.Write("\r" + Line());
            }
            else if (tenth != _lastTenth || _done == total)
            {
                output.WriteLine(Line());
            }

            _lastTenth = tenth;
        }
    }

    public void Finish()
    {
        if (interactive && _done > 0)
        {
            output.WriteLine();
        }
    }

    private string Line()
    {
        int filled = total == 0 ? Width : _done * Width / total;
        double rate = _done / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        return $"[{new string('#', filled)}{new string('.', Width - filled)}] {_done}/{total}{(_failed > 0 ? $", {_failed} failed" : "")}, {rate:0.0}/s ";
    }
}
