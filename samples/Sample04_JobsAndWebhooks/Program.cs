// Long-running jobs and webhooks with ASP.NET Core: POST /jobs starts a job at Replicate or fal with a webhook URL,
// the provider calls POST /webhooks/replicate or /webhooks/fal when it finishes, the app verifies the signature,
// stores the image once (retried deliveries are ignored) and serves it at GET /jobs/{id}/image.
// With no keys it runs a local job simulator that signs its webhooks with a local test secret.
//
//   dotnet run --project samples/Sample04_JobsAndWebhooks [-- --port 5080] [--offline]
//   dotnet run --project samples/Sample04_JobsAndWebhooks -- --self-test     (offline check for CI; exits 0 on success)
return await Sample04.JobsAndWebhooksApp.RunAsync(args, Console.Out);
