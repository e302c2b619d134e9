using Perfolizer.Metrology;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/UnifiedImageGen.Benchmarks -- --filter '*'
// Add "--job short" for a quick run. Allocations are reported in bytes, so "image size + N" targets can be read off.
var config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
