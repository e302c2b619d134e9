using System.Net;
using System.Text.Json.Nodes;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.Replicate.Tests.ReplicateTestHost;

namespace UnifiedImageGen.Replicate.Tests;

public class ReplicateImageGeneratorTests
{
    private const string Outputs = """["https://replicate.delivery/xezq/abc/out-0.webp","https://replicate.delivery/xezq/abc/out-1.webp"]""";

    [Fact]
    public async Task FluxSchnell_SendsMappedInputsWithPreferWaitAndCancelAfter_AndDownloadsOutputsAtOnce()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", Outputs, code: HttpStatusCode.Created)).Then(() => Image(Png)).Then(() => Image(Png));
        var request = new ImageGenerationRequest("a red fox") { AspectRatio = new AspectRatio(16, 9), Count = 2, Seed = 42, OutputFormat = ImageFormat.Jpeg, Steps = 4 }
            .WithProviderOptions("replicate", new ReplicateRequestOptions { GoFast = false, OutputQuality = 90 });

        var result = await time.RunAsync(generator.GenerateAsync(request));

        var create = server.Requests.First();
        Assert.Equal(HttpMethod.Post, create.Method);
        Assert.Equal("https://api.replicate.com/v1/models/black-forest-labs/flux-schnell/predictions", create.Uri.ToString());
        Assert.Equal($"Bearer {Token}", create.Header("Authorization"));
        Assert.Equal("wait=60", create.Header("Prefer"));
        Assert.Equal("600s", create.Header("Cancel-After"));
        AssertJson("""{"input":{"prompt":"a red fox","aspect_ratio":"16:9","num_outputs":2,"seed":42,"output_format":"jpg","num_inference_steps":4,"output_quality":90,"go_fast":false}}""", create);
        Assert.All(server.Requests.Skip(1), r => Assert.Equal("replicate.delivery", r.Uri.Host));
        Assert.Equal(2, result.Images.Count);
        Assert.All(result.Images, i => Assert.Equal(Png, i.Data.ToArray()));
        Assert.Equal(("replicate", "black-forest-labs/flux-schnell", "ufawqhfynnddngldkgtslldrkq"), (result.Provider, result.Model, result.ProviderRequestId));
        Assert.Equal(0.61, result.Usage!.ComputeSeconds);
        Assert.Equal(0.006m, result.Cost!.EstimatedUsd);
    }

    [Theory]
    [InlineData("stability-ai/sdxl:7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc", "https://api.replicate.com/v1/predictions", "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc")]
    [InlineData("7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc", "https://api.replicate.com/v1/predictions", "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc")]
    [InlineData("deployments/acme/fox-maker", "https://api.replicate.com/v1/deployments/acme/fox-maker/predictions", null)]
    [InlineData("bytedance/sdxl-lightning-4step", "https://api.replicate.com/v1/models/bytedance/sdxl-lightning-4step/predictions", null)]
    public async Task AnyModel_VersionOrDeployment_GoesToItsEndpoint_WithPromptAndJsonInputs(string model, string url, string? version)
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", """["https://replicate.delivery/x/out.png"]""", model: "acme/x")).Then(() => Image(Png, "image/png"));
        var request = new ImageGenerationRequest("a fox") { Model = model, Seed = 7 }.WithProviderOptions("replicate", new JsonObject { ["width"] = 768, ["scheduler"] = "K_EULER" });
        var result = await time.RunAsync(generator.GenerateAsync(request));

        var create = server.Requests.First();
        Assert.Equal(url, create.Uri.ToString());
        var body = Body(create);
        Assert.Equal(version, body["version"]?.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"prompt":"a fox","width":768,"scheduler":"K_EULER"}"""), body["input"]));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("Seed", warning.Setting);
        Assert.Contains("ReplicateRequestOptions.Input", warning.Message);
    }

    [Fact]
    public async Task JsonInputs_MayNotReplaceThePrompt()
    {
        var (generator, server, time) = Create();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x").WithProviderOptions("replicate", new JsonObject { ["prompt"] = "other" })));
        Assert.Contains("may not set \"prompt\"", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task FluxDev_ImageToImage_SendsTheImageAsDataUriWithPromptStrength_AndLoraVariantsTakeOneLora()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", Outputs)).Then(() => Image(Png));
        var input = ImageInput.FromBytes(Png);
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("make it night") { Model = ReplicateModels.FluxDevLora, Operation = ImageOperation.ImageToImage, InputImages = [input], Strength = 0.6, GuidanceScale = 3.5, Steps = 80, Loras = [new LoraWeight("https://huggingface.co/x/y/lora.safetensors", 0.9), new LoraWeight("other/lora")] }));
        var body = Body(server.Requests.First())["input"]!.AsObject();
        Assert.StartsWith("data:image/png;base64,", body["image"]!.GetValue<string>());
        Assert.Equal(0.6, body["prompt_strength"]!.GetValue<double>());
        Assert.Equal(3.5, body["guidance"]!.GetValue<double>());
        Assert.Equal(50, body["num_inference_steps"]!.GetValue<int>());
        Assert.Equal(("https://huggingface.co/x/y/lora.safetensors", 0.9), (body["lora_weights"]!.GetValue<string>(), body["lora_scale"]!.GetValue<double>()));
        Assert.Equal("https://api.replicate.com/v1/models/black-forest-labs/flux-dev-lora/predictions", server.Requests.First().Uri.ToString());
    }

    [Fact]
    public async Task FluxPro_TakesCustomSizes_AndASingleUrlOutput()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", "\"https://replicate.delivery/x/out.webp\"", model: ReplicateModels.FluxPro11)).Then(() => Image(Png));
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ReplicateModels.FluxPro11, Size = new ImageSize(1000, 700) }
            .WithProviderOptions("replicate", new ReplicateRequestOptions { SafetyTolerance = 9, PromptUpsampling = true })));
        var input = Body(server.Requests.First())["input"]!;
        Assert.Equal(("custom", 992, 704), (input["aspect_ratio"]!.GetValue<string>(), input["width"]!.GetValue<int>(), input["height"]!.GetValue<int>()));
        Assert.Equal(6, input["safety_tolerance"]!.GetValue<int>());
        Assert.Null(input["num_outputs"]);
        Assert.Single(result.Images);
        Assert.Equal("Size", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public async Task DataUriOutputs_AreDecodedWithoutADownload()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", $"[\"data:image/png;base64,{Convert.ToBase64String(Png)}\"]"));
        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.Equal(Png, result.Image.Data.ToArray());
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task Unfinished_IsPolledOnTheClock_AndWatchReportsQueueProgressAndCompletion()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("starting", code: HttpStatusCode.Created))
            .Then(() => Prediction("starting"))
            .Then(() => Prediction("processing", logs: "Using seed: 42\n 45%|████▌     | 13/28 [00:02<00:02,  6.12it/s]"))
            .Then(() => Prediction("succeeded", Outputs))
            .Then(() => Image(Png)).Then(() => Image(Png));
        var job = await generator.StartAsync(new ImageGenerationRequest("x") { Count = 2 });
        Assert.Equal(ImageJobStatus.Queued, job.Status);

        var updates = new List<ImageGenerationUpdate>();
        await time.RunAsync(Collect(generator.WatchAsync(job.Id), updates));

        Assert.Equal([ImageGenerationUpdateKind.Queued, ImageGenerationUpdateKind.Progress, ImageGenerationUpdateKind.Completed], updates.Select(u => u.Kind));
        Assert.Equal(13d / 28, updates[1].Progress!.Value, 3);
        Assert.Contains("Using seed: 42", updates[1].Logs);
        Assert.Equal(2, updates[2].Result!.Images.Count);
        Assert.All(server.Requests.Skip(1).Take(3), r => Assert.Equal((HttpMethod.Get, "https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq"), (r.Method, r.Uri.ToString())));
        Assert.Contains(TimeSpan.FromSeconds(1), time.RequestedDelays);
    }

    private static async Task Collect(IAsyncEnumerable<ImageGenerationUpdate> updates, List<ImageGenerationUpdate> into)
    {
        await foreach (var update in updates)
        {
            into.Add(update);
        }
    }

    [Fact]
    public async Task AJobIdPersisted_IsResumedByAnotherInstance()
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("succeeded", Outputs)).Then(() => Image(Png)).Then(() => Image(Png));
        var result = await time.RunAsync(generator.WaitForCompletionAsync("ufawqhfynnddngldkgtslldrkq"));
        Assert.Equal(2, result.Images.Count);
        Assert.Equal("https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq", server.Requests.First().Uri.ToString());
    }

    [Theory]
    [InlineData("NSFW content detected. Try running it again, or try a different prompt.", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB", ImageGenerationErrorKind.ProviderUnavailable)]
    public async Task FailedPrediction_MapsItsError(string error, ImageGenerationErrorKind kind)
    {
        var (generator, server, time) = Create();
        server.Then(() => Prediction("failed", error: error));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal("ufawqhfynnddngldkgtslldrkq", ex.ProviderRequestId);
        Assert.Contains(error[..10], ex.Message);
    }

    [Fact]
    public async Task CallerCancelling_CancelsThePredictionAtReplicate()
    {
        var (generator, server, time) = Create(o => o.PreferWaitSeconds = 0);
        server.Then(() => Prediction("starting", code: HttpStatusCode.Created)).Then(() => Prediction("processing"));
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(new ImageGenerationRequest("x"), cts.Token);
        await time.AdvanceUntilAsync(() => server.Count >= 2);

        server.Then(() => Prediction("canceled"));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var cancel = server.Requests.Last();
        Assert.Equal((HttpMethod.Post, "https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq/cancel"), (cancel.Method, cancel.Uri.ToString()));
        Assert.Null(server.Requests.First().Header("Prefer"));
    }

    [Fact]
    public async Task JobOutlivingMaxWait_IsCancelledAndReportedAsTimeout()
    {
        var (generator, server, time) = Create(o => o.MaxWait = TimeSpan.FromSeconds(30));
        server.Then(() => Prediction("starting", code: HttpStatusCode.Created)).Then(() => Prediction("processing"));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.Timeout, ex.Kind);
        Assert.Contains("did not finish within 30 s", ex.Message);
        Assert.EndsWith("/cancel", server.Requests.Last().Uri.AbsolutePath);
        Assert.Equal("30s", server.Requests.First().Header("Cancel-After"));
    }

    [Theory]
    [InlineData(HttpStatusCode.PaymentRequired, """{"title":"Billing required","detail":"You need to set up billing to run this model.","status":402}""", ImageGenerationErrorKind.InsufficientCredits, "Billing required")]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"title":"Invalid version or not permitted","detail":"The specified version does not exist (or perhaps you don't have permission to use it?)","status":422}""", ImageGenerationErrorKind.InvalidRequest, "Invalid version or not permitted")]
    [InlineData(HttpStatusCode.Unauthorized, """{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}""", ImageGenerationErrorKind.Authentication, "Unauthenticated")]
    [InlineData(HttpStatusCode.NotFound, """{"title":"Not found","detail":"The requested resource could not be found.","status":404}""", ImageGenerationErrorKind.ModelNotFound, "Not found")]
    public async Task ErrorShapes_MapToKinds(HttpStatusCode status, string body, ImageGenerationErrorKind kind, string code)
    {
        var (generator, server, time) = Create();
        server.Then(() => Problem(status, body));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((kind, code), (ex.Kind, ex.ProviderErrorCode));
        Assert.DoesNotContain(Token, ex.ToString());
    }

    [Fact]
    public async Task Throttled_CarriesTheResetTimeFromTheDetail()
    {
        var (generator, server, time) = Create();
        server.Then(() => Problem(HttpStatusCode.TooManyRequests, """{"detail":"Request was throttled. Your rate limit resets in ~30s."}"""));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30)), (ex.Kind, ex.RetryAfter));
    }

    [Fact]
    public async Task OutputsThatExpiredOrExceedTheCap_FailClearly()
    {
        var (generator, server, time) = Create(o => o.Download.MaxBytes = 10);
        server.Then(() => Prediction("succeeded", Outputs)).Then(() => Image(Png));
        var tooBig = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Contains("limit is 10 bytes", tooBig.Message);

        var (expired, expiredServer, expiredTime) = Create();
        expiredServer.Then(() => Prediction("succeeded", Outputs)).Then(() => new HttpResponseMessage(HttpStatusCode.NotFound));
        var gone = await Assert.ThrowsAsync<ImageGenerationException>(() => expiredTime.RunAsync(expired.GenerateAsync("x")));
        Assert.Contains("expired or is gone", gone.Message);
    }

    [Fact]
    public async Task Webhook_IsSentOnCreate()
    {
        var (generator, server, time) = Create(o =>
        {
            o.WebhookUrl = new Uri("https://example.com/hooks/replicate");
            o.WebhookEvents.Add("completed");
        });
        server.Then(() => Prediction("starting"));
        await generator.StartAsync(new ImageGenerationRequest("x"));
        var body = Body(server.Requests.Single());
        Assert.Equal("https://example.com/hooks/replicate", body["webhook"]!.GetValue<string>());
        Assert.Equal("completed", body["webhook_events_filter"]![0]!.GetValue<string>());
    }
}
