// Dependency injection with the Generic Host: providers, fallback routes, caching and a cost budget all come from
// appsettings.json; the app resolves the routed pipeline (IImageGenerator) and one provider by key.
// Runs offline with no API key (the placeholder provider); set OPENAI_API_KEY and/or FAL_KEY to use real providers.
//
//   dotnet run --project samples/Sample03_DependencyInjection [-- --output <folder>] [--offline]
return await Sample03.DependencyInjectionSample.RunAsync(args, Console.Out);
