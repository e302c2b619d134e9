using UnifiedImageGen.Emulator;

namespace UnifiedImageGen.Reliability.Tests.Infrastructure;

/// <summary>One emulator per test class; each test resets it.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public ProviderEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await ProviderEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
