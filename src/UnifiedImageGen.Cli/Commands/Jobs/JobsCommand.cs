using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Configuration;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;
using UnifiedImageGen.Cli.Progress;

namespace UnifiedImageGen.Cli.Commands.Jobs;

/// <summary>
/// <c>imagegen jobs status|watch|cancel &lt;provider&gt; &lt;id&gt;</c>: follow a queued job by its id, from this or
/// another process (a job id is all a provider needs to resume it).
/// </summary>
internal static class JobsCommand
{
    private const int LogLinesShown = 5;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("jobs", "Check, watch or cancel a queued job (replicate, fal, bfl, stability, leonardo, firefly, comfyui).");
        command.Subcommands.Add(Status(context, global));
        command.Subcommands.Add(Watch(context, global));
        command.Subcommands.Add(Cancel(context, global));
        return command;
    }

    private static Command Status(CliContext context, GlobalOptions global) =>
        OneCall("status", "Show where a job stands.", context, global, (jobs, id, ct) => jobs.GetJobAsync(id, ct));

    private static Command Cancel(CliContext context, GlobalOptions global) =>
        OneCall("cancel", "Ask the provider to cancel a job.", context, global, (jobs, id, ct) => jobs.CancelJobAsync(id, ct));

    // status and cancel: one call on the provider's job API, then the job as it stands.
    private static Command OneCall(string name, string description, CliContext context, GlobalOptions global, Func<IImageJobGenerator, string, CancellationToken, Task<ImageJob>> call)
    {
        var (provider, id) = Arguments();
        var command = new Command(name, description) { provider, id };
        CommandAction.Set(command, context, global, async (parseResult, settings, cancellationToken) =>
        {
            var host = ProviderHost.Create(context, settings, parseResult.GetValue(provider));
            await using var hostLifetime = host.ConfigureAwait(false);
            var job = await call(JobsOf(host, settings), parseResult.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            Print(job, context, settings);
            return ExitCode.Success;
        });
        return command;
    }

    private static Command Watch(CliContext context, GlobalOptions global)
    {
        var (provider, id) = Arguments();
        var output = new Option<string?>("--out", "-o") { Description = "A file or folder for the job's images, as for generate." };
        var command = new Command("watch", "Follow a job with live progress until it finishes, then save its images.") { provider, id, output };
        CommandAction.Set(command, context, global, async (parseResult, settings, cancellationToken) =>
        {
            string jobId = parseResult.GetValue(id)!;
            var console = ConsoleFactory.For(context);
            var display = ProgressDisplay.Create(context, settings.Plain, console);
            var host = ProviderHost.Create(context, settings, parseResult.GetValue(provider));
            await using var hostLifetime = host.ConfigureAwait(false);
            var jobs = JobsOf(host, settings);
            var result = await display.RunAsync($"Watching {host.ProviderName} job {jobId}", async () =>
            {
                await foreach (var update in jobs.WatchAsync(jobId, cancellationToken).ConfigureAwait(false))
                {
                    display.Report(JobProgress.From(update));
                    if (update is { Kind: ImageGenerationUpdateKind.Completed, Result: { } completed })
                    {
                        return completed;
                    }
                }

                throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"Job {jobId} stopped reporting before it finished.") { Provider = host.ProviderName };
            }).ConfigureAwait(false);
            var saved = await ImageWriter.SaveAsync(result.Images, parseResult.GetValue(output), context.WorkingDirectory, ImageWriter.Slug(jobId, "job"), context.Error, cancellationToken).ConfigureAwait(false);
            return ResultReporter.Report(result, saved, settings.Plain, console, context.Out, context.Error);
        });
        return command;
    }

    private static (Argument<string> Provider, Argument<string> Id) Arguments() =>
        (new Argument<string>("provider") { Description = "The provider that runs the job, such as fal." },
         new Argument<string>("id") { Description = "The job id the provider gave." });

    private static IImageJobGenerator JobsOf(ProviderHost host, CliSettings settings)
    {
        if (host.Jobs is { } jobs)
        {
            return jobs;
        }

        var withJobs = ProviderDirectory.Describe(settings).Where(d => d.QueuesJobs).Select(d => d.Entry.Name);
        throw new CliUsageException("<provider>", $"'{host.ProviderName}' does not run queued jobs. Providers that do: {string.Join(", ", withJobs)}.");
    }

    private static void Print(ImageJob job, CliContext context, CliSettings settings)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("provider", job.Provider),
            ("id", job.Id),
            ("status", job.Status.ToString().ToLowerInvariant()),
        };
        Add("model", job.Model);
        Add("queue position", job.QueuePosition?.ToString(CultureInfo.InvariantCulture));
        Add("progress", job.Progress is { } fraction ? JobProgress.Percent(fraction) : null);
        Add("created", job.CreatedAt?.ToString("u", CultureInfo.InvariantCulture));
        Add("completed", job.CompletedAt?.ToString("u", CultureInfo.InvariantCulture));
        Add("outputs", job.OutputUris.Count > 0 ? job.OutputUris.Count.ToString(CultureInfo.InvariantCulture) : null);
        Add("error", job.Error is { } error ? ExitCodes.For(error, canceledByUser: false).Message : null);
        foreach (string line in job.Logs.TakeLast(LogLinesShown))
        {
            rows.Add(("log", line));
        }

        if (settings.Plain)
        {
            foreach (var (name, value) in rows)
            {
                context.Out.WriteLine($"{name}: {value}");
            }

            return;
        }

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in rows)
        {
            grid.AddRow(new Markup($"[bold]{Markup.Escape(name)}[/]"), new Text(value));
        }

        ConsoleFactory.For(context).Write(grid);

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                rows.Add((name, value));
            }
        }
    }
}
