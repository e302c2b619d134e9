using UnifiedImageGen.Costs;
using UnifiedImageGen.Emulator.Images;
using UnifiedImageGen.Emulator.Providers.BlackForestLabs;
using UnifiedImageGen.Emulator.Providers.ComfyUI;
using UnifiedImageGen.Emulator.Providers.Leonardo;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Matrix;

/// <summary>What one cell's call did: its end, what the emulator saw and charged, and what the ledger recorded.</summary>
/// <param name="Accepted">Submits the emulator answered with a success status: work it accepted and bills.</param>
/// <param name="EstimateUsd">The catalog's estimate for the failed provider's route, what accepted work is charged at.</param>
public sealed record CellResult(
    MatrixCell Cell,
    ImageGenerationResult? Result,
    ImageGenerationException? Error,
    int Submits,
    int Cancels,
    int Accepted,
    decimal EstimateUsd,
    IReadOnlyList<string> Delivered,
    CostEntry Ledger)
{
    public CallOutcome Outcome =>
        Error is not null ? CallOutcome.Failed
        : Result!.Provider == PlaceholderImageGenerator.ProviderName ? CallOutcome.FellBack
        : Submits > 1 ? CallOutcome.SucceededAfterRetry
        : CallOutcome.Succeeded;

    /// <summary>The error kind of the exception, or of the route that failed before the fallback answered.</summary>
    public ImageGenerationErrorKind? Kind =>
        Error?.Kind ?? Result?.Attempts.FirstOrDefault(a => a.Outcome == RouteAttemptOutcome.Failed)?.ErrorKind;

    /// <summary>The cell as the docs table shows it.</summary>
    public string Summary
    {
        get
        {
            string outcome = Outcome switch
            {
                CallOutcome.Succeeded => "ok",
                CallOutcome.SucceededAfterRetry => "retry → ok",
                CallOutcome.FellBack => $"fallback ({Kind})",
                _ => $"error {Kind}",
            };
            bool billedFailure = Outcome is CallOutcome.Failed or CallOutcome.FellBack && Accepted > 0;
            return $"{outcome} · {Submits}{(Cancels > 0 ? " +cancel" : "")}{(billedFailure ? " · billed" : "")}";
        }
    }

    /// <summary>Checks the cell against its expectation, the ledger and the images.</summary>
    public void Verify()
    {
        var expected = Cell.Expected;
        Assert.True(expected.Outcome == Outcome, $"{Cell}: expected {expected.Outcome}, got {Outcome} ({Kind}: {Error?.Message ?? Result?.Attempts.FirstOrDefault(a => a.Outcome == RouteAttemptOutcome.Failed)?.Reason})");
        Assert.Equal(expected.Kind, Kind);
        Assert.True(expected.Submits == Submits, $"{Cell}: expected {expected.Submits} billable submits at the emulator, saw {Submits}.");
        Assert.True(expected.Cancels == Cancels, $"{Cell}: expected {expected.Cancels} cancels at the emulator, saw {Cancels}.");

        // Nothing stays reserved. A failed provider's route costs nothing unless the emulator accepted its submit (a
        // success status): then the provider bills it, and the ledger charges it at the estimate, fallback or not.
        Assert.NotEqual(CostEntryStatus.Reserved, Ledger.Status);
        decimal failedRouteUsd = Accepted > 0 ? EstimateUsd : 0m;
        if (Result is null)
        {
            Assert.True(Accepted > 0 ? Ledger.Status == CostEntryStatus.Settled : Ledger.Status == CostEntryStatus.Released, $"{Cell}: {Accepted} accepted submit(s), ledger entry {Ledger.Status} ({Ledger.Basis}).");
            Assert.True(failedRouteUsd == Ledger.ChargedUsd, $"{Cell}: {Accepted} accepted submit(s), expected a charge of {failedRouteUsd}, the ledger charged {Ledger.ChargedUsd} ({Ledger.Basis}).");
            Assert.Empty(Delivered); // the provider delivered nothing whole that the SDK then dropped
            return;
        }

        Assert.Equal(CostEntryStatus.Settled, Ledger.Status);
        Assert.Equal(Result.Provider, Ledger.Provider);
        Assert.Equal(Result.Images.Count, Ledger.Images);
        foreach (var image in Result.Images)
        {
            PngChecker.Check(image.Data.Span);
        }

        if (Outcome == CallOutcome.FellBack)
        {
            Assert.True(failedRouteUsd == Ledger.ChargedUsd, $"{Cell}: {Accepted} accepted submit(s), expected a charge of {failedRouteUsd}, the ledger charged {Ledger.ChargedUsd} ({Ledger.Basis}).");
            Assert.Empty(Delivered);
            return;
        }

        // Every image the emulator delivered is in the result, and nothing else.
        Assert.Equal(Delivered.Order(), Result.Images.Select(i => ImageStore.Hash(i.Data.Span)).Order());
        Assert.True(Ledger.ChargedUsd > 0m, $"{Cell}: a paid call settled at {Ledger.ChargedUsd}.");
        Assert.Equal(Result.Cost?.ReportedUsd ?? Ledger.ActualUsd, Ledger.ActualUsd);
        if (Cell.Provider.Emulated == "bfl")
        {
            Assert.Equal((decimal)BlackForestLabsEmulator.CreditsPerImage * 0.01m, Ledger.ActualUsd);
        }

        // Priced from what the provider reported (credits, GPU time) or, failing that, from the catalog's line.
        decimal? expectedUsd = Cell.Provider.Emulated switch
        {
            "leonardo" => LeonardoEmulator.CreditsPerImage * Result.Images.Count * ProviderUnderTest.LeonardoUsdPerCredit,
            "comfyui" => (decimal)ComfyUIEmulator.ExecutionSeconds * ProviderUnderTest.ComfyUIGpuHourUsd / 3600m,
            _ => Cell.Provider.UsdPerImage * Result.Images.Count,
        };
        if (expectedUsd is not null)
        {
            Assert.Equal(expectedUsd, Ledger.ActualUsd);
        }
    }
}
