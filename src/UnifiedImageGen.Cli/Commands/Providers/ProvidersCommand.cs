using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;
using UnifiedImageGen.Placeholder;

namespace UnifiedImageGen.Cli.Commands.Providers;

/// <summary><c>imagegen providers</c>: every provider, whether it is set up, and its models with their capabilities.</summary>
internal static class ProvidersCommand
{
    // Short names keep the capability column readable; the order is the enum's.
    private static readonly (ImageCapabilities Flag, string Name)[] Capabilities =
    [
        (ImageCapabilities.TextToImage, "text"),
        (ImageCapabilities.ImageToImage, "image"),
        (ImageCapabilities.Inpainting, "inpaint"),
        (ImageCapabilities.Outpainting, "outpaint"),
        (ImageCapabilities.Variations, "variations"),
        (ImageCapabilities.Upscale, "upscale"),
        (ImageCapabilities.BackgroundRemoval, "remove-bg"),
        (ImageCapabilities.NegativePrompt, "negative"),
        (ImageCapabilities.Seed, "seed"),
        (ImageCapabilities.Lora, "lora"),
        (ImageCapabilities.TransparentBackground, "transparent"),
        (ImageCapabilities.MultipleInputImages, "multi-input"),
        (ImageCapabilities.Progress, "progress"),
        (ImageCapabilities.PartialImages, "previews"),
        (ImageCapabilities.Webhooks, "webhooks"),
        (ImageCapabilities.ServerCancellation, "cancel"),
        (ImageCapabilities.StepsAndGuidance, "steps"),
    ];

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var only = new Option<string?>("--provider", "-p") { Description = "Show only this provider." };
        var command = new Command("providers", "List providers, whether each is set up, and their models and capabilities.") { only };
        CommandAction.Set(command, context, global, (parseResult, settings, _) =>
        {
            string? wanted = parseResult.GetValue(only);
            if (wanted is not null && ProviderCatalog.Find(wanted) is null)
            {
                throw new CliUsageException("--provider", $"unknown provider '{wanted}'. Known providers: {ProviderCatalog.Names}.");
            }

            var providers = ProviderDirectory.Describe(settings)
                .Where(d => wanted is null || string.Equals(d.Entry.Name, wanted, StringComparison.OrdinalIgnoreCase))
                .ToArray();
            if (settings.Plain)
            {
                WritePlain(providers, context.Out);
            }
            else
            {
                WriteTable(providers, ConsoleFactory.For(context));
            }

            return Task.FromResult(ExitCode.Success);
        });
        return command;
    }

    private static void WritePlain(IEnumerable<ProviderDescription> providers, TextWriter output)
    {
        output.WriteLine("provider\tsetup\tmodel\tdefault\tmax_per_call\tcapabilities");
        foreach (var provider in providers)
        {
            if (provider.Metadata is null)
            {
                output.WriteLine($"{provider.Entry.Name}\t{Setup(provider)}\t\t\t\t{provider.Problem}");
                continue;
            }

            foreach (var model in provider.Metadata.Models)
            {
                bool isDefault = string.Equals(model.Id, provider.Metadata.DefaultModel, StringComparison.OrdinalIgnoreCase);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider.Entry.Name}\t{Setup(provider)}\t{model.Id}\t{(isDefault ? "yes" : "no")}\t{model.MaxImagesPerCall}\t{Describe(model.Capabilities)}"));
            }
        }
    }

    private static void WriteTable(IEnumerable<ProviderDescription> providers, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Provider").AddColumn("Setup").AddColumn("Model").AddColumn(new TableColumn("Per call").RightAligned()).AddColumn("Capabilities");
        foreach (var provider in providers)
        {
            string name = $"[bold]{Markup.Escape(provider.Entry.Name)}[/]\n[grey]{Markup.Escape(provider.Entry.DisplayName)}[/]";
            string setup = provider.Configured || provider.Entry.Name == PlaceholderImageGenerator.ProviderName
                ? $"[green]{Markup.Escape(Setup(provider))}[/]"
                : $"[yellow]{Markup.Escape(Setup(provider))}[/]";
            if (provider.Metadata is null)
            {
                table.AddRow(name, setup, "", "", $"[red]{Markup.Escape(provider.Problem ?? "")}[/]");
                continue;
            }

            bool first = true;
            foreach (var model in provider.Metadata.Models)
            {
                bool isDefault = string.Equals(model.Id, provider.Metadata.DefaultModel, StringComparison.OrdinalIgnoreCase);
                table.AddRow(
                    first ? name : "",
                    first ? setup : "",
                    Markup.Escape(model.Id) + (isDefault ? " [grey](default)[/]" : ""),
                    model.MaxImagesPerCall.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(Describe(model.Capabilities)));
                first = false;
            }

            table.AddEmptyRow();
        }

        console.Write(table);
    }

    private static string Setup(ProviderDescription provider) =>
        provider.Entry.Name == PlaceholderImageGenerator.ProviderName ? "offline"
        : provider.Configured ? "configured"
        : provider.Entry.Environment.Count > 0 ? "set " + string.Join(" + ", provider.Entry.Environment.Select(e => e.Variable))
        : "not configured";

    private static string Describe(ImageCapabilities capabilities) =>
        string.Join(" ", Capabilities.Where(c => (capabilities & c.Flag) == c.Flag).Select(c => c.Name));
}
