using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.ComfyUI.Tests;

/// <summary>
/// Issue 18 (ComfyUI): what a real ComfyUI server does, read from its source (comfyanonymous/ComfyUI server.py,
/// execution.py, nodes.py, comfy_extras/nodes_flux.py, comfy_extras/nodes_sd3.py) and PROVIDERS.md 13.11 and 13.12.
/// </summary>
public sealed class ComfyUIFidelityTests : IAsyncLifetime
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

    private static string PromptId(ImageJob job) => job.Id[(job.Id.LastIndexOf('/') + 1)..];

    private JsonNode Graph() => Assert.Single(_server.Submitted)["prompt"]!;

    private static JsonNode Node(JsonNode graph, string classType) =>
        Assert.Single(graph.AsObject(), n => n.Value!["class_type"]!.GetValue<string>() == classType).Value!;

    // ---- Item 1: cancel ----

    [Fact]
    public async Task CancellingAQueuedPrompt_DeletesIt_NeverInterrupts_AndReportsCanceled()
    {
        // server.py post_queue: {"delete": [ids]} removes waiting prompts only. Older server.py post_interrupt calls
        // nodes.interrupt_processing() whatever the body: it would stop the other client's running prompt here.
        _server.HoldInQueue = true;
        _server.ForeignRunning = true;
        _server.OldInterrupt = true;
        using var generator = Create();
        var job = await generator.StartAsync(new ImageGenerationRequest("x") { Seed = 1 });
        Assert.Equal(ImageJobStatus.Queued, (await generator.GetJobAsync(job.Id)).Status);

        var canceled = await generator.CancelJobAsync(job.Id);

        Assert.Equal(ImageJobStatus.Canceled, canceled.Status);
        Assert.Contains(_server.Requests, r => r.Path == "/queue" && r.Body == $$"""{"delete":["{{PromptId(job)}}"]}""");
        Assert.DoesNotContain(_server.Requests, r => r.Path == "/interrupt");
        Assert.False(_server.ForeignInterrupted);

        // execution.py PromptQueue: a deleted prompt never reaches /history, so it must not look queued or running forever.
        var failure = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.WaitForCompletionAsync(job.Id)));
        Assert.Contains("cancelled", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingARunningPrompt_InterruptsItByPromptId_AndReportsCanceled()
    {
        // Current server.py post_interrupt: with {"prompt_id"} it interrupts only when that prompt is in queue_running.
        // execution.py PromptExecutor.handle_execution_error: the history then says status_str "error" with an
        // execution_interrupted message, which is a cancel, not a failure.
        _server.PollsUntilDone = int.MaxValue;
        using var generator = Create();
        var job = await generator.StartAsync(new ImageGenerationRequest("x") { Seed = 1 });
        Assert.Equal(ImageJobStatus.Running, (await generator.GetJobAsync(job.Id)).Status);

        var canceled = await generator.CancelJobAsync(job.Id);

        Assert.Contains(_server.Requests, r => r.Path == "/interrupt" && r.Body == $$"""{"prompt_id":"{{PromptId(job)}}"}""");
        Assert.Equal("interrupted", _server.StateOf(PromptId(job)));
        Assert.Equal(ImageJobStatus.Canceled, canceled.Status);
        Assert.Null(canceled.Error);
    }

    [Fact]
    public async Task CallerCancellingWhileQueued_LeavesTheOtherClientsRunningPromptAlone()
    {
        // server.py post_interrupt (older servers): no prompt check at all, hence GET /queue first (PROVIDERS.md 13.11).
        _server.HoldInQueue = true;
        _server.ForeignRunning = true;
        _server.OldInterrupt = true;
        using var generator = Create();
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(new ImageGenerationRequest("x") { Seed = 1 }, cts.Token);
        await _time.AdvanceUntilAsync(() => _server.QueueReads > 0); // polled once: the job waits in the queue
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("deleted", _server.StateOf("prompt-1"));
        Assert.DoesNotContain(_server.Requests, r => r.Path == "/interrupt");
        Assert.False(_server.ForeignInterrupted);
    }

    // ---- Item 2: the /prompt refusal ----

    [Fact]
    public async Task PromptRefusal_MissingCheckpoint_IsModelNotFound_WithTheDetailsInTheMessage()
    {
        // server.py post_prompt answers 400 {"error": valid[1], "node_errors": valid[3]}; execution.py validate_inputs
        // writes value_not_in_list with details "ckpt_name: '<value>' not in [<choices>]".
        _server.RejectWith = """{"error":{"type":"prompt_outputs_failed_validation","message":"Prompt outputs failed validation","details":"","extra_info":{}},"node_errors":{"1":{"errors":[{"type":"value_not_in_list","message":"Value not in list","details":"ckpt_name: 'sd_xl_base_1.0.safetensors' not in ['dreamshaper_8.safetensors']","extra_info":{"input_name":"ckpt_name"}}],"dependent_outputs":["7"],"class_type":"CheckpointLoaderSimple"}}}""";
        using var generator = Create(o => o.Preflight = false);

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a secret prompt") { Model = ComfyUIWorkflows.Sdxl, Seed = 1 })));

        Assert.Equal(ImageGenerationErrorKind.ModelNotFound, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("node 1 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'sd_xl_base_1.0.safetensors' not in ['dreamshaper_8.safetensors']", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a secret prompt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromptRefusal_OtherValidationErrors_AreInvalidRequest_WithTheDetails()
    {
        // execution.py validate_inputs: value_bigger_than_max names the input and its limit in "details".
        _server.RejectWith = """{"error":{"type":"prompt_outputs_failed_validation","message":"Prompt outputs failed validation","details":"","extra_info":{}},"node_errors":{"5":{"errors":[{"type":"value_bigger_than_max","message":"Value 20000 bigger than max of 10000","details":"steps","extra_info":{"input_name":"steps"}}],"dependent_outputs":["7"],"class_type":"KSampler"}}}""";
        using var generator = Create(o => o.Preflight = false);

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.Sdxl, Seed = 1 })));

        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("node 5 (KSampler): Value 20000 bigger than max of 10000: steps", ex.Message, StringComparison.Ordinal);
    }

    // ---- Item 3: inpainting with a base checkpoint, and the mask convention ----

    [Fact]
    public async Task Inpaint_UsesSetLatentNoiseMask_NotVAEEncodeForInpaint()
    {
        // nodes.py SetLatentNoiseMask.set_mask keeps the encoded image and marks where to re-noise; VAEEncodeForInpaint
        // blanks the masked pixels (for inpainting-trained models; PROVIDERS.md 13.11).
        using var generator = Create();
        var image = ImageInput.FromBytes(PngEncoder.Encode(new byte[16 * 16 * 4], 16, 16));
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [image], Mask = image, Seed = 1 }));

        var graph = Graph();
        Assert.DoesNotContain(graph.AsObject(), n => n.Value!["class_type"]!.GetValue<string>() == "VAEEncodeForInpaint");
        var noiseMask = Node(graph, "SetLatentNoiseMask")["inputs"]!;
        Assert.Equal("VAEEncode", graph[noiseMask["samples"]![0]!.GetValue<string>()]!["class_type"]!.GetValue<string>());
        Assert.Equal("LoadImageMask", graph[noiseMask["mask"]![0]!.GetValue<string>()]!["class_type"]!.GetValue<string>());
        Assert.Equal(1.0, Node(graph, "KSampler")["inputs"]!["denoise"]!.GetValue<double>());
    }

    [Theory]
    // nodes.py LoadImageMask.load_image: channel "alpha" gives mask = 1 - alpha (transparent repaints, OpenAI's
    // convention); "red" gives the red level (white repaints, Stability's and BFL's). PROVIDERS.md 13.12.
    [InlineData(0, 0, "alpha")]        // transparent where to repaint
    [InlineData(255, 128, "alpha")]    // partly transparent
    [InlineData(255, 255, "red")]      // opaque black and white
    public async Task Inpaint_ReadsTheMaskByItsConvention(byte alpha, byte alphaElsewhere, string channel)
    {
        var rgba = new byte[8 * 8 * 4];
        for (int i = 0; i < rgba.Length; i += 4)
        {
            bool inside = i < rgba.Length / 2;
            rgba[i] = rgba[i + 1] = rgba[i + 2] = inside ? (byte)255 : (byte)0;
            rgba[i + 3] = inside ? alpha : alphaElsewhere;
        }

        using var generator = Create();
        var image = ImageInput.FromBytes(PngEncoder.Encode(new byte[8 * 8 * 4], 8, 8));
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a hat") { Operation = ImageOperation.Inpaint, InputImages = [image], Mask = ImageInput.FromBytes(PngEncoder.Encode(rgba, 8, 8)), Seed = 1 }));

        Assert.Equal(channel, Node(Graph(), "LoadImageMask")["inputs"]!["channel"]!.GetValue<string>());
    }

    [Fact]
    public void MaskChannel_OfAJpeg_IsItsBrightness()
    {
        // A JPEG has no alpha: LoadImageMask would give an all-zero mask for "alpha" (nodes.py load_image converts to RGBA).
        Assert.Equal("red", ComfyUIMasks.Channel([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
    }

    // ---- Item 4: FLUX from split files, and LoRA ----

    [Fact]
    public async Task FluxSplit_LoadsDiffusionModel_TextEncoders_AndVae_ByComfyUIsNodeAndInputNames()
    {
        // nodes.py UNETLoader (unet_name, weight_dtype), DualCLIPLoader (clip_name1, clip_name2, type incl. "flux"),
        // VAELoader (vae_name); comfy_extras/nodes_flux.py FluxGuidance (conditioning, guidance);
        // comfy_extras/nodes_sd3.py EmptySD3LatentImage (width, height, batch_size).
        using var generator = Create(o => o.FluxDiffusionModel = "flux1-dev-fp8-e4m3fn.safetensors");
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.FluxDevSplit, Seed = 3, GuidanceScale = 2.5 }));

        var graph = Graph();
        Assert.Equal(("flux1-dev-fp8-e4m3fn.safetensors", "default"), (Node(graph, "UNETLoader")["inputs"]!["unet_name"]!.GetValue<string>(), Node(graph, "UNETLoader")["inputs"]!["weight_dtype"]!.GetValue<string>()));
        var clip = Node(graph, "DualCLIPLoader")["inputs"]!;
        Assert.Equal(("t5xxl_fp16.safetensors", "clip_l.safetensors", "flux"), (clip["clip_name1"]!.GetValue<string>(), clip["clip_name2"]!.GetValue<string>(), clip["type"]!.GetValue<string>()));
        Assert.Equal("ae.safetensors", Node(graph, "VAELoader")["inputs"]!["vae_name"]!.GetValue<string>());
        Assert.Equal(2.5, Node(graph, "FluxGuidance")["inputs"]!["guidance"]!.GetValue<double>());
        Assert.Equal(1.0, Node(graph, "KSampler")["inputs"]!["cfg"]!.GetValue<double>());
        Assert.Equal(1024, Node(graph, "EmptySD3LatentImage")["inputs"]!["width"]!.GetValue<int>());
        Assert.DoesNotContain(graph.AsObject(), n => n.Value!["class_type"]!.GetValue<string>() == "CheckpointLoaderSimple");
    }

    [Fact]
    public async Task SdxlLora_FillsLoraLoader_AndSamplesWithItsModelAndClip()
    {
        // nodes.py LoraLoader.INPUT_TYPES: model, clip, lora_name, strength_model, strength_clip; outputs (MODEL, CLIP).
        using var generator = Create();
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.SdxlLora, Seed = 1, Loras = [new LoraWeight("pixel_art.safetensors", 0.7)] }));

        var graph = Graph();
        var lora = graph.AsObject().Single(n => n.Value!["class_type"]!.GetValue<string>() == "LoraLoader");
        var inputs = lora.Value!["inputs"]!;
        Assert.Equal(("pixel_art.safetensors", 0.7, 0.7), (inputs["lora_name"]!.GetValue<string>(), inputs["strength_model"]!.GetValue<double>(), inputs["strength_clip"]!.GetValue<double>()));
        Assert.Equal(lora.Key, Node(graph, "KSampler")["inputs"]!["model"]![0]!.GetValue<string>());
        Assert.All(graph.AsObject().Where(n => n.Value!["class_type"]!.GetValue<string>() == "CLIPTextEncode"), n => Assert.Equal(lora.Key, n.Value!["inputs"]!["clip"]![0]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task SdxlLora_NeedsExactlyOneLora_BeforeAnyCall(int count)
    {
        using var generator = Create();
        var loras = Enumerable.Range(0, count).Select(i => new LoraWeight($"l{i}.safetensors")).ToArray();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.SdxlLora, Loras = loras }));
        Assert.Contains("request.Loras", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exactly 1", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    // ---- Item 5: preflight ----

    [Fact]
    public async Task Preflight_NamesEveryMissingFile_BeforeQueueing()
    {
        // server.py get_object_info_node: /object_info/{class} lists a loader's files as its combo choices
        // (nodes.py CheckpointLoaderSimple ckpt_name = folder_paths.get_filename_list("checkpoints")); {} for an unknown class.
        _server.Choices["UNETLoader.unet_name"] = ["flux1-schnell.safetensors"];
        _server.Choices["VAELoader.vae_name"] = ["ae.safetensors"];
        _server.Choices["DualCLIPLoader.clip_name1"] = ["clip_l.safetensors"];
        _server.Choices["DualCLIPLoader.clip_name2"] = ["clip_l.safetensors"];
        using var generator = Create();

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.FluxDevSplit })));

        Assert.Equal(ImageGenerationErrorKind.ModelNotFound, ex.Kind);
        Assert.Contains("unet_name 'flux1-dev.safetensors' is not on the server (it has: flux1-schnell.safetensors)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("clip_name1 't5xxl_fp16.safetensors'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vae_name", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Preflight = false", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Submitted);
    }

    [Fact]
    public async Task Preflight_NamesANodeClassTheServerLacks()
    {
        using var generator = Create(o => o.Workflows["custom"] = new ComfyUIWorkflow { Json = """{"1":{"class_type":"Broken","inputs":{}},"2":{"class_type":"SaveImage","inputs":{}}}""" });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "custom" })));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("class Broken is not installed", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Submitted);
    }

    [Fact]
    public async Task Preflight_IsCachedBriefly_AndCanBeTurnedOff()
    {
        using var generator = Create(o => o.PreflightCacheDuration = TimeSpan.FromMinutes(1));
        int Asked() => _server.Requests.Count(r => r.Path == "/object_info" && r.Body == "CheckpointLoaderSimple");
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.Sdxl, Seed = 1 }));
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.Sdxl, Seed = 2 }));
        Assert.Equal(1, Asked());

        _time.Advance(TimeSpan.FromMinutes(2));
        await _time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.Sdxl, Seed = 3 }));
        Assert.Equal(2, Asked());

        using var unchecked_ = Create(o => o.Preflight = false);
        await _time.RunAsync(unchecked_.GenerateAsync(new ImageGenerationRequest("x") { Model = ComfyUIWorkflows.Sdxl, Seed = 4 }));
        Assert.Equal(2, Asked());
    }
}
