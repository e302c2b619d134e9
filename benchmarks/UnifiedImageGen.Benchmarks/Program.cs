using Perfolizer.Metrology;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/UnifiedImageGen.Benchmarks -- --filter '*'
// Add "--job short" for a quick run. Allocations are reported in bytes, so "image size + N" targets can be read off.
var config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));

// Every case runs with the non-concurrent workstation GC unless "--default-gc" is given. With background GC, a process
// that allocates a 1.5 MB array per call settles at random into one of two states (about 300 µs or 600-900 µs per call
// for the same code, the slow one with ~3x the page faults), which made the ratios measure luck rather than the code;
// see benchmarks/README.md. The mutator applies to every job, including "--job short".
const string DefaultGcFlag = "--default-gc";
if (!args.Contains(DefaultGcFlag))
{
    config = config.AddJob(Job.Default.WithGcConcurrent(false).AsMutator());
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != DefaultGcFlag).ToArray(), config);
