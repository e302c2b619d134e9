using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/UnifiedImageGen.Benchmarks -- --filter '*'
// Add "--job short" for a quick run.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
