using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Costs;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;
using UnifiedImageGen.Costs;

namespace UnifiedImageGen.Cli.Commands.Cost;

/// <summary><c>imagegen cost --days 7 --by provider,model</c>: what earlier runs spent, from the JSON ledger.</summary>
internal static class CostCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var days = new Option<int>("--days", "-d") { Description = "How many days back, today included.", DefaultValueFactory = _ => 30 };
        var by = new Option<string>("--by") { Description = "How to group: a comma list of provider, model, day, user.", DefaultValueFactory = _ => "provider,model,day" };
        var provider = new Option<string?>("--provider", "-p") { Description = "Only this provider." };
        var command = new Command("cost", "Show what image calls cost, from the ledger every generate writes to.") { days, by, provider };
        CommandAction.Set(command, context, global, async (parseResult, settings, cancellationToken) =>
        {
            int dayCount = parseResult.GetValue(days);
            if (dayCount < 1)
            {
                throw new CliUsageException("--days", string.Create(CultureInfo.InvariantCulture, $"{dayCount} is not a number of days: use 1 or more."));
            }

            var grouping = ParseGrouping(parseResult.GetValue(by)!);
            var today = context.TimeProvider.GetUtcNow().UtcDateTime.Date;
            var from = new DateTimeOffset(today.AddDays(1 - dayCount), TimeSpan.Zero);
            var ledger = new JsonFileCostLedger(settings.LedgerPath, context.TimeProvider);
            var totals = (await ledger.GetTotalsAsync(new CostQuery { From = from, Provider = parseResult.GetValue(provider) }, grouping, cancellationToken).ConfigureAwait(false))
                .OrderByDescending(t => t.Day).ThenBy(t => t.Provider, StringComparer.Ordinal).ThenBy(t => t.Model, StringComparer.Ordinal).ThenBy(t => t.User, StringComparer.Ordinal)
                .ToArray();
            string since = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (totals.Length == 0)
            {
                await context.Error.WriteLineAsync($"No costs recorded since {since} in {settings.LedgerPath}.").ConfigureAwait(false);
                return ExitCode.Success;
            }

            if (settings.Plain)
            {
                WritePlain(totals, grouping, context.Out);
            }
            else
            {
                WriteTable(totals, grouping, since, settings.LedgerPath, ConsoleFactory.For(context));
            }

            return ExitCode.Success;
        });
        return command;
    }

    private static CostGrouping ParseGrouping(string text)
    {
        var grouping = CostGrouping.None;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            grouping |= part.ToLowerInvariant() switch
            {
                "provider" => CostGrouping.Provider,
                "model" => CostGrouping.Model,
                "day" => CostGrouping.Day,
                "user" => CostGrouping.User,
                _ => throw new CliUsageException("--by", $"'{part}' is not a grouping: use provider, model, day or user, separated by commas."),
            };
        }

        return grouping;
    }

    private static IEnumerable<(string Header, Func<CostTotal, string> Value)> KeyColumns(CostGrouping grouping)
    {
        if (grouping.HasFlag(CostGrouping.Day))
        {
            yield return ("day", t => t.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
        }

        if (grouping.HasFlag(CostGrouping.Provider))
        {
            yield return ("provider", t => t.Provider ?? "");
        }

        if (grouping.HasFlag(CostGrouping.Model))
        {
            yield return ("model", t => t.Model ?? "");
        }

        if (grouping.HasFlag(CostGrouping.User))
        {
            yield return ("user", t => t.User ?? "");
        }
    }

    private static void WritePlain(IReadOnlyList<CostTotal> totals, CostGrouping grouping, TextWriter output)
    {
        var keys = KeyColumns(grouping).ToArray();
        output.WriteLine(string.Join('\t', keys.Select(k => k.Header).Concat(["calls", "images", "estimated_usd", "actual_usd"])));
        foreach (var total in totals)
        {
            output.WriteLine(string.Join('\t', keys.Select(k => k.Value(total)).Concat(Figures(total))));
        }
    }

    private static void WriteTable(IReadOnlyList<CostTotal> totals, CostGrouping grouping, string since, string ledgerPath, IAnsiConsole console)
    {
        var keys = KeyColumns(grouping).ToArray();
        var table = new Table().Border(TableBorder.Rounded).Title($"Costs since {since}");
        foreach (var (header, _) in keys)
        {
            table.AddColumn(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(header));
        }

        foreach (string header in new[] { "Calls", "Images", "Estimated", "Actual" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var total in totals)
        {
            table.AddRow(keys.Select(k => Markup.Escape(k.Value(total))).Concat(Figures(total, "$")).ToArray());
        }

        var sum = new CostTotal(null, null, null, null, totals.Sum(t => t.Calls), totals.Sum(t => t.Images), totals.Sum(t => t.EstimatedUsd), totals.Sum(t => t.ActualUsd));
        table.AddRow(keys.Select((_, i) => i == 0 ? "[bold]Total[/]" : "").Concat(Figures(sum, "$").Select(f => $"[bold]{f}[/]")).ToArray());
        console.Write(table);
        console.MarkupLine($"[grey]{Markup.Escape(ledgerPath)}[/]");
    }

    private static IEnumerable<string> Figures(CostTotal total, string currency = "") =>
    [
        total.Calls.ToString(CultureInfo.InvariantCulture),
        total.Images.ToString(CultureInfo.InvariantCulture),
        currency + total.EstimatedUsd.ToString("0.00##", CultureInfo.InvariantCulture),
        currency + total.ActualUsd.ToString("0.00##", CultureInfo.InvariantCulture),
    ];
}
