using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen;
using UnifiedImageGen.Costs;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;

namespace Sample05;

/// <summary>The sample's logic, callable from tests: <c>RunAsync(["--offline", "--limit", "10", "--output", dir], writer)</c>.</summary>
internal static class BatchCatalogSample
{
    /// <summary>Renders the catalog items not yet in the manifest. Returns 0 when all are done, 1 with failures, 2 at the budget, 130 when stopped.</summary>
    /// <param name="args"><c>--output</c>, <c>--limit</c>, <c>--parallel</c>, <c>--budget</c>, <c>--offline</c>.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="stopping">Stops taking new items; images in flight finish and are kept.</param>
    /// <param name="aborting">Cancels the images in flight too.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken stopping = default, CancellationToken aborting = default)
    {
        string folder = Path.GetFullPath(Option(args, "--output") ?? "catalog-output");
        int limit = int.Parse(Option(args, "--limit") ?? "200", CultureInfo.InvariantCulture);
        int parallel = int.Parse(Option(args, "--parallel") ?? "4", CultureInfo.InvariantCulture);
        decimal budget = decimal.Parse(Option(args, "--budget") ?? "2.00", CultureInfo.InvariantCulture);
        string? apiKey = args.Contains("--offline") ? null : Environment.GetEnvironmentVariable("OPENAI_API_KEY");

        // The pipeline: one provider under cost tracking, with a budget that stops the batch before it overspends.
        var services = new ServiceCollection();
        var images = services.AddImageGeneration();
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            images.AddPlaceholder();
        }
        else
        {
            images.AddOpenAI(o => o.ApiKey = apiKey);
        }

        images.UseCostTracking(costs => costs.MonthlyBudgetUsd = budget);
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();
        bool offline = string.IsNullOrWhiteSpace(apiKey);
        output.WriteLine(offline
            ? "Provider: placeholder (offline: no OPENAI_API_KEY, or --offline), 256x256."
            : $"Provider: openai gpt-image-1-mini, low quality, 1024x1024, budget ${budget.ToString("0.00", CultureInfo.InvariantCulture)}.");

        // Resume: whatever the manifest lists (and whose file exists) is skipped.
        var catalog = Catalog.All().Take(limit).ToArray();
        Directory.CreateDirectory(folder);
        using var manifest = Manifest.Open(folder);
        var pending = catalog.Where(item => !manifest.IsDone(item.Id)).ToArray();
        int skipped = catalog.Length - pending.Length;
        output.WriteLine($"Catalog: {catalog.Length} items; {skipped} already done (skipped), {pending.Length} to render, {parallel} at a time, into {folder}");

        var progress = new ProgressBar(output, pending.Length, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping); // also fired when the budget is reached
        var counters = new Counters();
        bool stopped = false;
        try
        {
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = stop.Token }, async (item, _) =>
            {
                // Not the loop's token: a stop lets the images in flight finish (they are paid for); only an abort cancels them.
                try
                {
                    var result = await generator.GenerateAsync(Request(item, offline), aborting);
                    var image = result.Image;
                    string file = item.Id + image.FileExtension;
                    string temporary = Path.Combine(folder, file + ".partial");
                    await image.SaveAsync(temporary, aborting);
                    File.Move(temporary, Path.Combine(folder, file), overwrite: true); // a file is whole or absent
                    manifest.Add(new ManifestEntry(item.Id, file, result.Provider, result.Model, result.Cost?.Usd ?? 0m, DateTimeOffset.UtcNow));
                    counters.Succeeded(result.Cost?.Usd ?? 0m);
                    progress.Advance(failed: false);
                }
                catch (ImageGenerationException ex) when (ex.Kind == ImageGenerationErrorKind.BudgetExceeded)
                {
                    counters.BudgetReached = true;
                    await stop.CancelAsync(); // refused before any call: stop the whole batch
                }
                catch (ImageGenerationException ex)
                {
                    // Kind and item id only: no prompt, no key. The item stays pending for the next run.
                    counters.Failed();
                    progress.Advance(failed: true);
                    lock (output)
                    {
                        output.WriteLine($"  {item.Id}: {ex.Kind}{(ex.IsTransient ? " (transient)" : "")}");
                    }
                }
            });
        }
        catch (OperationCanceledException)
        {
            stopped = true;
        }

        progress.Finish();
        await PrintSummaryAsync(output, provider.GetRequiredService<ICostLedger>(), manifest, catalog, skipped, counters);
        if (counters.BudgetReached)
        {
            output.WriteLine($"Stopped at the budget (${budget.ToString("0.00", CultureInfo.InvariantCulture)}). Raise --budget and run again to continue.");
            return 2;
        }

        if (stopped)
        {
            output.WriteLine("Stopped. Finished images are kept; run the same command again to resume.");
            return 130;
        }

        return counters.FailedCount > 0 ? 1 : 0;
    }

    private static ImageGenerationRequest Request(CatalogItem item, bool offline) => offline
        ? new ImageGenerationRequest(item.Prompt) { Size = new ImageSize(256, 256) }
        : new ImageGenerationRequest(item.Prompt) { Model = "gpt-image-1-mini", Size = new ImageSize(1024, 1024), Quality = ImageQuality.Low, User = "catalog-batch" };

    private static async Task PrintSummaryAsync(TextWriter output, ICostLedger ledger, Manifest manifest, IReadOnlyList<CatalogItem> catalog, int skipped, Counters counters)
    {
        output.WriteLine();
        output.WriteLine($"This run: {counters.SucceededCount} rendered, {skipped} skipped (already done), {counters.FailedCount} failed. {catalog.Count(item => manifest.IsDone(item.Id))}/{catalog.Count} catalog items done.");
        output.WriteLine("Cost summary");
        foreach (var total in await ledger.GetTotalsAsync(new CostQuery(), CostGrouping.Provider | CostGrouping.Model))
        {
            output.WriteLine($"  this run, {total.Provider}/{total.Model}: {total.Images} image(s), estimated {Usd(total.EstimatedUsd)}, actual {Usd(total.ActualUsd)}");
        }

        output.WriteLine($"  this run, total: {Usd(counters.CostUsd)}");
        output.WriteLine($"  all runs (manifest): {manifest.Entries.Count} image(s), {Usd(manifest.Entries.Sum(e => e.CostUsd))}");
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string Usd(decimal value) => "$" + value.ToString("0.0000", CultureInfo.InvariantCulture);

    private sealed class Counters
    {
        private readonly Lock _gate = new();

        public int SucceededCount { get; private set; }

        public int FailedCount { get; private set; }

        public decimal CostUsd { get; private set; }

        public bool BudgetReached { get; set; }

        public void Succeeded(decimal costUsd)
        {
            lock (_gate)
            {
                SucceededCount++;
                CostUsd += costUsd;
            }
        }

        public void Failed()
        {
            lock (_gate)
            {
                FailedCount++;
            }
        }
    }
}
