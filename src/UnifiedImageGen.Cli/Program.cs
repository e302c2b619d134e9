// imagegen: the dotnet tool entry point. Everything runs through CliApplication, which tests drive in-process.
using UnifiedImageGen.Cli.Hosting;

return await CliApplication.RunAsync(args, CliContext.FromProcess()).ConfigureAwait(false);
