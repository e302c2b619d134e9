using System.Text.Json;

namespace Sample05;

/// <summary>One finished item, one line of <c>manifest.jsonl</c>.</summary>
internal sealed record ManifestEntry(string Id, string File, string Provider, string Model, decimal CostUsd, DateTimeOffset FinishedAt);

/// <summary>
/// The record of finished items, in the output folder: a JSON line is appended (and flushed) after each image file is
/// complete, so an interrupted run loses at most the images in flight. A rerun skips every item listed whose file is
/// still there.
/// </summary>
internal sealed class Manifest : IDisposable
{
    public const string FileName = "manifest.jsonl";

    private readonly Dictionary<string, ManifestEntry> _done;
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    private Manifest(Dictionary<string, ManifestEntry> done, StreamWriter writer)
    {
        _done = done;
        _writer = writer;
    }

    public IReadOnlyCollection<ManifestEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _done.Values];
            }
        }
    }

    public static Manifest Open(string folder)
    {
        string path = Path.Combine(folder, FileName);
        var done = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        bool endsWithNewline = true;
        if (File.Exists(path))
        {
            string text = File.ReadAllText(path);
            endsWithNewline = text.Length == 0 || text[^1] == '\n';
            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    if (JsonSerializer.Deserialize<ManifestEntry>(line) is { } entry && File.Exists(Path.Combine(folder, entry.File)))
                    {
                        done[entry.Id] = entry;
                    }
                }
                catch (JsonException)
                {
                    // A line cut short by a crash: that item is rendered again.
                }
            }
        }

        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        if (!endsWithNewline)
        {
            writer.WriteLine(); // start clean after a torn last line
        }

        return new Manifest(done, writer);
    }

    public bool IsDone(string id)
    {
        lock (_gate)
        {
            return _done.ContainsKey(id);
        }
    }

    public void Add(ManifestEntry entry)
    {
        lock (_gate)
        {
            _writer.WriteLine(JsonSerializer.Serialize(entry));
            _done[entry.Id] = entry;
        }
    }

    public void Dispose() => _writer.Dispose();
}
