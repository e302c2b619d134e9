// Batch rendering of a 200-item product catalog: bounded concurrency, a progress bar, resume after interruption
// (a manifest in the output folder; a rerun skips what is done), and a cost summary. With OPENAI_API_KEY it uses
// gpt-image-1-mini (low quality, under a budget); without it, the offline placeholder at 256x256.
//
//   dotnet run --project samples/Sample05_BatchCatalog [-- --output catalog-output] [--limit N] [--parallel 4] [--budget 2.00] [--offline]
using var stopping = new CancellationTokenSource();
using var aborting = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // keep the process alive: finish cleanly and keep what is done
    if (!stopping.IsCancellationRequested)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine("Stopping: no new images; the ones in flight finish (they are paid for). Ctrl+C again to abort them.");
        stopping.Cancel();
    }
    else
    {
        aborting.Cancel();
    }
};

return await Sample05.BatchCatalogSample.RunAsync(args, Console.Out, stopping.Token, aborting.Token);
