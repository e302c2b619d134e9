namespace UnifiedImageGen.Emulator.Faults;

/// <summary>
/// Which exchanges get a fault: those of <see cref="Provider"/> and <see cref="Operation"/> whose 1-based ordinal is
/// <see cref="Ordinal"/>, or every one from it on when <see cref="Persistent"/> (an account out of credits stays so),
/// or every <see cref="Every"/>th (steady background failures for load tests).
/// </summary>
/// <param name="Provider">The emulated provider name, such as <c>"openai"</c>.</param>
/// <param name="Operation">The exchange it applies to.</param>
/// <param name="Kind">What goes wrong.</param>
public sealed record FaultRule(string Provider, EmulatedOperation Operation, FaultKind Kind)
{
    /// <summary>The first exchange (1-based) the fault hits.</summary>
    public int Ordinal { get; init; } = 1;

    /// <summary>Whether every exchange from <see cref="Ordinal"/> on is hit.</summary>
    public bool Persistent { get; init; }

    /// <summary>When above zero, every exchange whose ordinal is a multiple of it is hit (and <see cref="Ordinal"/> is ignored).</summary>
    public int Every { get; init; }

    /// <summary>Whether the exchange numbered <paramref name="ordinal"/> is hit.</summary>
    /// <param name="ordinal">The exchange's 1-based ordinal for this provider and operation.</param>
    public bool Hits(int ordinal) =>
        Every > 0 ? ordinal % Every == 0 : Persistent ? ordinal >= Ordinal : ordinal == Ordinal;
}
