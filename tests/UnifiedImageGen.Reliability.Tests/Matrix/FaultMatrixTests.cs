using UnifiedImageGen.Emulator.Faults;
using UnifiedImageGen.Reliability.Tests.Infrastructure;

namespace UnifiedImageGen.Reliability.Tests.Matrix;

/// <summary>Every emulated provider under every fault, one test each, through the full DI pipeline over loopback.</summary>
public sealed class FaultMatrixTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var cell in MatrixCell.All)
        {
            data.Add(cell.Provider.Label, cell.Fault?.ToString() ?? "None");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Generate_UnderFault_EndsAsTheMatrixSays(string provider, string fault)
    {
        var cell = new MatrixCell(
            ProviderUnderTest.All.Single(p => p.Label == provider),
            fault == "None" ? null : Enum.Parse<FaultKind>(fault));

        var result = await MatrixRunner.RunAsync(fixture.Emulator, cell);

        result.Verify();
    }
}
