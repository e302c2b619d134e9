using System.Collections;
using Spectre.Console;

namespace UnifiedImageGen.Cli.Hosting;

/// <summary>
/// Everything a command touches outside itself: consoles, environment, folders, clock, and optionally the generator or
/// HTTP handler to use. The tool builds one from the process; tests build one over string writers and temp folders.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Where results go (images saved, tables).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where notices, warnings and errors go.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>The rich console for tables and live progress; one over <see cref="Out"/> when null.</summary>
    public IAnsiConsole? Console { get; init; }

    /// <summary>Whether <see cref="Out"/> is redirected (a pipe or file): then output is plain lines.</summary>
    public bool IsOutputRedirected { get; init; }

    /// <summary>The environment variables the tool reads (keys, <c>ImageGeneration__*</c> settings, paths).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The folder relative paths and <c>appsettings.json</c> are resolved against.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The per-user folder holding <c>appsettings.json</c> and the cost ledger.</summary>
    public required string UserConfigDirectory { get; init; }

    /// <summary>The clock for elapsed times and ledger entries.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>When set, commands use this generator instead of building one from configuration (tests, embedding).</summary>
    public IImageGenerator? Generator { get; init; }

    /// <summary>When set, the primary handler of every provider's API client (tests: no network).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>An environment variable, or null when unset or empty.</summary>
    public string? GetEnvironmentVariable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Resolves a path the user typed against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    /// <summary>The context of this process: its consoles, environment and folders.</summary>
    public static CliContext FromProcess()
    {
        var environment = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && variable.Value is string value)
            {
                environment[key] = value;
            }
        }

        // ApplicationData is ~/.config (or $XDG_CONFIG_HOME) on Linux and macOS, %APPDATA% on Windows.
        string appData = System.Environment.GetFolderPath(System.Environment.SpecialFolder.ApplicationData, System.Environment.SpecialFolderOption.DoNotVerify);
        return new CliContext
        {
            Out = System.Console.Out,
            Error = System.Console.Error,
            Console = AnsiConsole.Console,
            IsOutputRedirected = System.Console.IsOutputRedirected,
            Environment = environment,
            WorkingDirectory = Directory.GetCurrentDirectory(),
            UserConfigDirectory = Path.Combine(string.IsNullOrEmpty(appData) ? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".config") : appData, "imagegen"),
        };
    }
}
