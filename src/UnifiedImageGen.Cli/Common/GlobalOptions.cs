using System.CommandLine;
using UnifiedImageGen.Cli.Configuration;
using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Common;

/// <summary>Options every command takes: output style and where configuration and the ledger live.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Plain { get; } = new("--plain")
    {
        Description = "Plain lines instead of tables and live progress (the default when output is redirected).",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"A JSON config file to read instead of the user's (also {CliSettings.ConfigVariable}).",
        Recursive = true,
    };

    public Option<string?> Ledger { get; } = new("--ledger")
    {
        Description = $"The JSON cost ledger file (also {CliSettings.LedgerVariable}); costs.json in the user's config folder by default.",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command; they apply to every subcommand.</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(Plain);
        root.Options.Add(Config);
        root.Options.Add(Ledger);
    }

    /// <summary>Reads the configuration the global options point at.</summary>
    public CliSettings Load(ParseResult parseResult, CliContext context) =>
        CliSettings.Load(context, parseResult.GetValue(Config), parseResult.GetValue(Ledger), parseResult.GetValue(Plain));
}
