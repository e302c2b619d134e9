using Microsoft.Extensions.Configuration;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Configuration;

/// <summary>
/// The configuration one run uses, lowest precedence first: the user's config file, <c>appsettings.json</c> in the
/// working folder, the providers' well-known key variables (<c>OPENAI_API_KEY</c>, ...), then
/// <c>ImageGeneration__*</c> variables. It has the shape <c>AddImageGeneration(IConfiguration)</c> binds.
/// </summary>
internal sealed class CliSettings
{
    public const string SectionName = "ImageGeneration";
    public const string ConfigVariable = "IMAGEGEN_CONFIG";
    public const string LedgerVariable = "IMAGEGEN_LEDGER";
    private const string EnvironmentPrefix = SectionName + "__";

    private CliSettings(IConfigurationRoot root, string userConfigPath, string ledgerPath, bool plain)
    {
        Root = root;
        UserConfigPath = userConfigPath;
        LedgerPath = ledgerPath;
        Plain = plain;
    }

    /// <summary>All configuration.</summary>
    public IConfigurationRoot Root { get; }

    /// <summary>The <c>ImageGeneration</c> section.</summary>
    public IConfigurationSection Section => Root.GetSection(SectionName);

    /// <summary>The <c>ImageGeneration:Providers</c> section.</summary>
    public IConfigurationSection Providers => Section.GetSection("Providers");

    /// <summary>The user's config file (read when it exists).</summary>
    public string UserConfigPath { get; }

    /// <summary>The JSON cost ledger.</summary>
    public string LedgerPath { get; }

    /// <summary>Whether to write plain lines instead of tables and live progress.</summary>
    public bool Plain { get; }

    /// <summary>Reads the configuration for a run.</summary>
    /// <param name="context">The process or test context.</param>
    /// <param name="configPath">The <c>--config</c> value, if given.</param>
    /// <param name="ledgerPath">The <c>--ledger</c> value, if given.</param>
    /// <param name="plain">The <c>--plain</c> flag.</param>
    /// <exception cref="CliUsageException">A config file the user named does not exist or is not valid JSON.</exception>
    public static CliSettings Load(CliContext context, string? configPath, string? ledgerPath, bool plain)
    {
        string? named = configPath ?? context.GetEnvironmentVariable(ConfigVariable);
        string userConfig = named is null ? Path.Combine(context.UserConfigDirectory, "appsettings.json") : context.ResolvePath(named);
        if (named is not null && !File.Exists(userConfig))
        {
            throw new CliUsageException(configPath is null ? ConfigVariable : "--config", $"the config file '{userConfig}' does not exist.");
        }

        var builder = new ConfigurationBuilder();
        AddJson(builder, userConfig, configPath is null ? ConfigVariable : "--config");
        AddJson(builder, Path.Combine(context.WorkingDirectory, "appsettings.json"), "appsettings.json");
        builder.AddInMemoryCollection(FromEnvironment(context));

        string ledger = ledgerPath ?? context.GetEnvironmentVariable(LedgerVariable) ?? Path.Combine(context.UserConfigDirectory, "costs.json");
        return new CliSettings(builder.Build(), userConfig, context.ResolvePath(ledger), plain || context.IsOutputRedirected);
    }

    private static void AddJson(ConfigurationBuilder builder, string path, string source)
    {
        if (!File.Exists(path))
        {
            return;
        }

        // Parse now, so a broken file is reported as bad input naming it rather than as a crash later.
        try
        {
            new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            throw new CliUsageException(source, $"'{path}' is not valid JSON: {ex.InnerException?.Message ?? ex.Message}");
        }

        builder.AddJsonFile(path, optional: false, reloadOnChange: false);
    }

    private static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(CliContext context)
    {
        foreach (var provider in ProviderCatalog.All)
        {
            foreach (var binding in provider.Environment)
            {
                if (context.GetEnvironmentVariable(binding.Variable) is { } value)
                {
                    yield return new($"{SectionName}:Providers:{provider.Name}:{binding.Setting}", value);
                }
            }
        }

        // The same convention as the EnvironmentVariables configuration provider: '__' separates sections.
        foreach (var (name, value) in context.Environment)
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new(name.Replace("__", ":", StringComparison.Ordinal), value);
            }
        }
    }
}
