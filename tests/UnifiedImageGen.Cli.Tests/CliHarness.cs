using UnifiedImageGen.Cli;
using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Tests;

/// <summary>What one in-process run of imagegen returned and wrote.</summary>
public sealed record CliRun(ExitCode ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Runs imagegen in-process over temp folders: a working folder, a user config folder (so the real ~/.config is never
/// read or written), string writers for stdout and stderr, and an environment that holds only what a test sets.
/// </summary>
public sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Root = Directory.CreateTempSubdirectory("imagegen-cli-tests-").FullName;
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        UserConfigDirectory = Path.Combine(Root, "config");
    }

    public string Root { get; }

    public string WorkingDirectory { get; }

    public string UserConfigDirectory { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public IImageGenerator? Generator { get; set; }

    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether stdout counts as redirected; true by default, as under a test runner.</summary>
    public bool Redirected { get; set; } = true;

    public string InWork(string relative) => Path.Combine(WorkingDirectory, relative);

    public async Task<CliRun> RunAsync(params string[] args) => await RunAsync(args, CancellationToken.None);

    public async Task<CliRun> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var context = new CliContext
        {
            Out = output,
            Error = errors,
            IsOutputRedirected = Redirected,
            Environment = new Dictionary<string, string>(Environment),
            WorkingDirectory = WorkingDirectory,
            UserConfigDirectory = UserConfigDirectory,
            Generator = Generator,
            HttpHandler = HttpHandler,
        };
        int code = await CliApplication.RunAsync(args, context, cancellationToken);
        return new CliRun((ExitCode)code, output.ToString(), errors.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
