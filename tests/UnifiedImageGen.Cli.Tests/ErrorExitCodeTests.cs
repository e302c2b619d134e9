using System.Net;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Cli.Tests;

public sealed class ErrorExitCodeTests : IDisposable
{
    private const string SecretPrompt = "the-secret-prompt-text";
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData(ImageGenerationErrorKind.ContentPolicy, ExitCode.ContentRefused)]
    [InlineData(ImageGenerationErrorKind.Authentication, ExitCode.AuthFailed)]
    [InlineData(ImageGenerationErrorKind.PermissionDenied, ExitCode.AuthFailed)]
    [InlineData(ImageGenerationErrorKind.InsufficientCredits, ExitCode.BudgetOrCredits)]
    [InlineData(ImageGenerationErrorKind.BudgetExceeded, ExitCode.BudgetOrCredits)]
    [InlineData(ImageGenerationErrorKind.ProviderUnavailable, ExitCode.ProviderFailed)]
    [InlineData(ImageGenerationErrorKind.RateLimited, ExitCode.ProviderFailed)]
    [InlineData(ImageGenerationErrorKind.Timeout, ExitCode.ProviderFailed)]
    [InlineData(ImageGenerationErrorKind.UnexpectedResponse, ExitCode.ProviderFailed)]
    [InlineData(ImageGenerationErrorKind.InvalidRequest, ExitCode.BadInput)]
    [InlineData(ImageGenerationErrorKind.ModelNotFound, ExitCode.BadInput)]
    public async Task Generate_WhenTheProviderFails_MapsTheErrorKindToItsExitCode(ImageGenerationErrorKind kind, ExitCode expected)
    {
        _cli.Generator = new ScriptedImageGenerator("scripted", (_, _, _) => throw new ImageGenerationException(kind, "The provider said no.") { Provider = "scripted", StatusCode = 400, ProviderRequestId = "req-7" });

        var run = await _cli.RunAsync("generate", SecretPrompt);

        Assert.Equal(expected, run.ExitCode);
        Assert.Contains("The provider said no.", run.Error, StringComparison.Ordinal);
        Assert.Contains(kind.ToString(), run.Error, StringComparison.Ordinal);
        Assert.Contains("req-7", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretPrompt, run.Error + run.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cli.WorkingDirectory));
    }

    [Fact]
    public async Task Generate_WhenTheGeneratorThrowsArgumentException_ReturnsBadInput()
    {
        _cli.Generator = new ScriptedImageGenerator("scripted", (_, _, _) => throw new ArgumentException("The mask needs an image.", "request"));

        var run = await _cli.RunAsync("generate", "a fox");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("The mask needs an image.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WhenCancelled_ReturnsCanceled()
    {
        _cli.Generator = new ScriptedImageGenerator("scripted", async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var run = await _cli.RunAsync(["generate", "a fox"], cancel.Token);

        Assert.Equal(ExitCode.Canceled, run.ExitCode);
    }

    [Fact]
    public async Task Generate_WithAProviderWhoseKeyIsNotSet_ReturnsAuthFailedNamingTheVariable()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--provider", "openai");

        Assert.Equal(ExitCode.AuthFailed, run.ExitCode);
        Assert.Contains("OPENAI_API_KEY", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WithAnUnknownProvider_ReturnsBadInputListingTheKnownOnes()
    {
        var run = await _cli.RunAsync("generate", "a fox", "--provider", "dreamy");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("--provider", run.Error, StringComparison.Ordinal);
        Assert.Contains("stability", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WithAKeyTheProviderRejects_ReturnsAuthFailedAndNeverPrintsTheKey()
    {
        const string key = "sk-test-0123456789abcdef";
        _cli.Environment["OPENAI_API_KEY"] = key;
        var handler = new ScriptedHandler().ThenStatus(HttpStatusCode.Unauthorized, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}""");
        _cli.HttpHandler = handler;

        var run = await _cli.RunAsync("generate", SecretPrompt);

        Assert.Equal(ExitCode.AuthFailed, run.ExitCode);
        Assert.Equal(1, handler.Count);
        Assert.Equal("Bearer " + key, Assert.Single(handler.Requests).Header("Authorization"));
        Assert.DoesNotContain(key, run.Error + run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretPrompt, run.Error + run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("offline", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_ReadsTheKeyFromAppSettingsInTheWorkingFolder()
    {
        File.WriteAllText(_cli.InWork("appsettings.json"), """{ "ImageGeneration": { "Providers": { "openai": { "ApiKey": "sk-from-file" } } } }""");
        var handler = new ScriptedHandler().ThenStatus(HttpStatusCode.Forbidden, """{"error":{"message":"Your organization must be verified.","type":"invalid_request_error","code":null}}""");
        _cli.HttpHandler = handler;

        var run = await _cli.RunAsync("generate", "a fox");

        Assert.Equal(ExitCode.AuthFailed, run.ExitCode);
        Assert.Equal("Bearer sk-from-file", Assert.Single(handler.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Generate_OverABudgetFromTheUserConfig_ReturnsBudgetExceededBeforeCallingTheProvider()
    {
        Directory.CreateDirectory(_cli.UserConfigDirectory);
        File.WriteAllText(Path.Combine(_cli.UserConfigDirectory, "appsettings.json"), """{ "ImageGeneration": { "Costs": { "DailyBudgetUsd": 1, "RefuseUnpricedWithBudget": true } } }""");
        var scripted = new ScriptedImageGenerator("scripted");
        _cli.Generator = scripted;

        var run = await _cli.RunAsync("generate", "a fox");

        Assert.Equal(ExitCode.BudgetOrCredits, run.ExitCode);
        Assert.Equal(0, scripted.Calls);
    }

    [Fact]
    public async Task Generate_WithABrokenConfigFile_ReturnsBadInputNamingIt()
    {
        File.WriteAllText(_cli.InWork("appsettings.json"), "{ not json");

        var run = await _cli.RunAsync("generate", "a fox");

        Assert.Equal(ExitCode.BadInput, run.ExitCode);
        Assert.Contains("appsettings.json", run.Error, StringComparison.Ordinal);
    }
}
