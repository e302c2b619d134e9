using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.ComfyUI.Tests;

public sealed class ComfyUIImageGeneratorTests : IAsyncLifetime
{
    private FakeComfyUIServer _server = null!;
    private readonly ManualTimeProvider _time = new();

    public async Task InitializeAsync() => _server = await FakeComfyUIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ComfyUIImageGenerator Create(Action<ComfyUIImageGeneratorOptions>? configure = null)
    {
        var options = new ComfyUIImageGeneratorOptions { Endpoint = _server.Address };
        configure?.Invoke(options);
        return new ComfyUIImageGenerator(new HttpClient(), options, _time, owned: false);
    }

    [Fact]
    public async Task FluxTextToImage_FillsTheTemplate_QueuesIt_PollsHistory_AndFetchesTheBytes()
    {
        using var generator = Create(o => o.GpuHourUsd = 3.6m);
        var result = await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a red \"fox\"") { Size = new ImageSize(1024, 768), Seed = 7, Steps = 12 }));

        var submitted = Assert.Single(_server.Submitted);
        Assert.Matches("^[0-9a-f]{32}$", submitted["client_id"]!.GetValue<string>());
        var graph = submitted["prompt"]!;
        Assert.Equal("flux1-dev-fp8.safetensors", graph["1"]!["inputs"]!["ckpt_name"]!.GetValue<string>());
        Assert.Equal("a red \"fox\"", graph["2"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Equal(3.5, graph["3"]!["inputs"]!["guidance"]!.GetValue<double>());
        Assert.Equal((1024, 768, 1), (graph["5"]!["inputs"]!["width"]!.GetValue<int>(), graph["5"]!["inputs"]!["height"]!.GetValue<int>(), graph["5"]!["inputs"]!["batch_size"]!.GetValue<int>()));
        Assert.Equal((7L, 12), (graph["6"]!["inputs"]!["seed"]!.GetValue<long>(), graph["6"]!["inputs"]!["steps"]!.GetValue<int>()));

        var image = Assert.Single(result.Images);
        Assert.Equal(FakeComfyUIServer.Png, image.Data.ToArray());
        Assert.Contains(_server.Requests, r => r.Path == "/view" && r.Body == "?filename=unifiedimagegen_00001_.png&subfolder=&type=output");
        Assert.Equal(("comfyui", "flux-dev"), (result.Provider, result.Model));
        Assert.Equal((12d, 0.012m), (result.Usage!.ComputeSeconds!.Value, result.Cost!.ReportedUsd!.Value));
    }

    [Fact]
    public async Task Progress_ArrivesOverTheWebSocket()
    {
        using var generator = Create(o => o.PollingInterval = TimeSpan.FromSeconds(1));
        _server.PollsUntilDone = int.MaxValue;
        var job = await generator.StartAsync(new ImageGenerationRequest("x") { Seed = 1 });
        string promptId = job.Id[(job.Id.LastIndexOf('/') + 1)..];
        var watchdog = System.Diagnostics.Stopwatch.StartNew();
        while (generator.ProgressOf(promptId) is not 0.5 && watchdog.Elapsed < TestTimeouts.Hang)
        {
            await Task.Yield();
        }

        Assert.Equal(0.5, generator.ProgressOf(promptId));
        var running = await generator.GetJobAsync(job.Id);
        Assert.Equal((ImageJobStatus.Running, 0.5), (running.Status, running.Progress!.Value));
        _server.PollsUntilDone = 0;
        Assert.Single((await _time.RunAsync(generator.WaitForCompletionAsync(job.Id))).Images);
    }

    [Fact]
    public async Task Inpaint_UploadsImageAndMask_AndUsesTheSdxlInpaintTemplate()
    {
        using var generator = Create();
        var input = ImageInput.FromBytes(PngEncoder.Encode(new byte[64 * 64 * 4], 64, 64));
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [input], Mask = input, NegativePrompt = "blur" }));
        var uploads = _server.Requests.Where(r => r.Path == "/upload/image").Select(r => r.Body.Split('|')).ToArray();
        Assert.Equal(2, uploads.Length);
        Assert.All(uploads, u => Assert.Equal(("image/png", "true", "input"), (u[1], u[2], u[3])));
        var graph = Assert.Single(_server.Submitted)["prompt"]!;
        Assert.Equal("sd_xl_base_1.0.safetensors", graph["1"]!["inputs"]!["ckpt_name"]!.GetValue<string>());
        Assert.Equal((uploads[0][0], uploads[1][0]), (graph["4"]!["inputs"]!["image"]!.GetValue<string>(), graph["5"]!["inputs"]!["image"]!.GetValue<string>()));
        Assert.Equal("blur", graph["3"]!["inputs"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task UserTemplates_FillTypedAndEmbeddedPlaceholders_IncludingLoras()
    {
        using var generator = Create(o => o.Workflows["my-lora"] = new ComfyUIWorkflow
        {
            Capabilities = ImageCapabilities.TextToImage | ImageCapabilities.Lora | ImageCapabilities.Seed,
            Json = """{"1":{"class_type":"LoraLoader","inputs":{"lora_name":"{{lora_name}}","strength_model":"{{lora_strength}}"}},"2":{"class_type":"CLIPTextEncode","inputs":{"text":"masterpiece, {{prompt}}, seed {{seed}}"}},"3":{"class_type":"SaveImage","inputs":{}}}""",
        });
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = "my-lora", Seed = 5, Loras = [new LoraWeight("fox_style.safetensors", 0.8)] }));
        var graph = Assert.Single(_server.Submitted)["prompt"]!;
        Assert.Equal(("fox_style.safetensors", 0.8), (graph["1"]!["inputs"]!["lora_name"]!.GetValue<string>(), graph["1"]!["inputs"]!["strength_model"]!.GetValue<double>()));
        Assert.Equal("masterpiece, a fox, seed 5", graph["2"]!["inputs"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheLeastBusyServer_GetsTheJob()
    {
        await using var idle = await FakeComfyUIServer.StartAsync();
        _server.Load = 5;
        using var generator = Create(o => o.AdditionalServers.Add(idle.Address));
        var result = await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 1 }));
        Assert.Empty(_server.Submitted);
        Assert.Single(idle.Submitted);
    }

    [Fact]
    public async Task CallerCancelling_ARunningPrompt_DeletesFromTheQueueAndInterrupts()
    {
        using var generator = Create();
        _server.PollsUntilDone = int.MaxValue;
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 1 }, cts.Token);
        await _time.AdvanceUntilAsync(() => _server.HistoryPolls > 0);

        // ComfyUI server.py: POST /queue {"delete": [ids]} removes queued prompts; POST /interrupt stops the running
        // one, and is sent only because GET /queue shows this prompt in queue_running (PROVIDERS.md 13.11).
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Contains(_server.Requests, r => r.Path == "/queue" && r.Body == """{"delete":["prompt-1"]}""");
        Assert.Contains(_server.Requests, r => r.Path == "/interrupt" && r.Body == """{"prompt_id":"prompt-1"}""");
    }

    [Fact]
    public async Task WorkflowErrors_AndExecutionErrors_AreTyped()
    {
        using var generator = Create(o =>
        {
            o.Preflight = false; // the server's own validation (the preflight is ComfyUIFidelityTests')
            o.Workflows["broken"] = new ComfyUIWorkflow { Json = """{"3":{"class_type":"Broken","inputs":{}}}""" };
        });
        var invalid = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "broken" })));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, invalid.Kind); // not a loader: the workflow, not a missing file
        Assert.Contains("ckpt_name: 'missing.safetensors' not in []", invalid.Message, StringComparison.Ordinal);

        _server.ExecutionError = "CUDA out of memory";
        var failed = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 1 })));
        Assert.Contains("torch.OutOfMemoryError: CUDA out of memory", failed.Message);

        var unknown = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "nope" }));
        Assert.Equal(ImageGenerationErrorKind.ModelNotFound, unknown.Kind);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GetJobAsync("http://evil.example.com/history/1"));
    }
}

/// <summary>Runs against a real ComfyUI server only when COMFYUI_URL is set (and it has the FLUX checkpoint).</summary>
public class ComfyUILiveTests
{
    [LiveFact("COMFYUI_URL")]
    public async Task Live_FluxDev()
    {
        using var generator = new ComfyUIImageGenerator(new ComfyUIImageGeneratorOptions { Endpoint = new Uri(Environment.GetEnvironmentVariable("COMFYUI_URL")!) });
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a small red circle on white") { Size = new ImageSize(512, 512), Seed = 1 });
        Assert.True(result.Image.Data.Length > 1000);
    }
}
