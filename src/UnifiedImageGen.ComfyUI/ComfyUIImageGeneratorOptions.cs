namespace UnifiedImageGen.ComfyUI;

/// <summary>Options of <see cref="ComfyUIImageGenerator"/>; bind from <c>ImageGeneration:Providers:comfyui</c>.</summary>
public sealed class ComfyUIImageGeneratorOptions : JobImageGeneratorOptionsBase
{
    /// <summary>A ComfyUI server on this machine.</summary>
    public static readonly Uri DefaultEndpoint = new("http://127.0.0.1:8188/");

    /// <summary>Creates options for a local ComfyUI server.</summary>
    public ComfyUIImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
        PollingInterval = TimeSpan.FromSeconds(1);
        MaxPollingInterval = TimeSpan.FromSeconds(3);
    }

    /// <summary>More servers besides <see cref="ImageGeneratorOptionsBase.Endpoint"/>; each job goes to the one with the shortest queue.</summary>
    public List<Uri> AdditionalServers { get; } = [];

    /// <summary>Workflow templates by model id (API-format JSON with placeholders such as <c>{{prompt}}</c>), added to or replacing the built-in ones.</summary>
    public Dictionary<string, ComfyUIWorkflow> Workflows { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Template files by model id, read at start-up (for configuration: <c>Providers:comfyui:WorkflowFiles:my-model=/path/workflow.json</c>).</summary>
    public Dictionary<string, string> WorkflowFiles { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The checkpoint the built-in FLUX template loads.</summary>
    /// <value><c>flux1-dev-fp8.safetensors</c>.</value>
    public string FluxCheckpoint { get; set; } = "flux1-dev-fp8.safetensors";

    /// <summary>The diffusion model (<c>models/diffusion_models</c>) the built-in split FLUX template loads with <c>UNETLoader</c>.</summary>
    /// <value><c>flux1-dev.safetensors</c>.</value>
    public string FluxDiffusionModel { get; set; } = "flux1-dev.safetensors";

    /// <summary>The CLIP-L text encoder (<c>models/text_encoders</c>) of the split FLUX template.</summary>
    /// <value><c>clip_l.safetensors</c>.</value>
    public string FluxClipL { get; set; } = "clip_l.safetensors";

    /// <summary>The T5-XXL text encoder (<c>models/text_encoders</c>) of the split FLUX template.</summary>
    /// <value><c>t5xxl_fp16.safetensors</c>.</value>
    public string FluxT5xxl { get; set; } = "t5xxl_fp16.safetensors";

    /// <summary>The VAE (<c>models/vae</c>) of the split FLUX template.</summary>
    /// <value><c>ae.safetensors</c>.</value>
    public string FluxVae { get; set; } = "ae.safetensors";

    /// <summary>The checkpoint the built-in SDXL templates load.</summary>
    /// <value><c>sd_xl_base_1.0.safetensors</c>.</value>
    public string SdxlCheckpoint { get; set; } = "sd_xl_base_1.0.safetensors";

    /// <summary>
    /// Before queueing, ask the server (<c>GET /object_info/{NodeClass}</c>) whether it has every node class of the
    /// workflow and every file and choice its inputs name, and fail with all that is missing. On by default; the
    /// server validates again on <c>POST /prompt</c> either way.
    /// </summary>
    public bool Preflight { get; set; } = true;

    /// <summary>How long a server's answer about a node class is reused by the preflight.</summary>
    /// <value>One minute.</value>
    public TimeSpan PreflightCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>What one GPU hour costs you, to report a cost from execution time; zero per image when null.</summary>
    public decimal? GpuHourUsd { get; set; }

    /// <summary>Every server, the endpoint first.</summary>
    public IReadOnlyList<Uri> Servers => [Endpoint, .. AdditionalServers];

    /// <inheritdoc/>
    protected override bool RequiresApiKey => false;

    /// <inheritdoc/>
    public override IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var problem in base.Validate(configurationPath))
        {
            yield return problem;
        }

        if (PreflightCacheDuration < TimeSpan.Zero)
        {
            yield return $"{configurationPath}:PreflightCacheDuration must not be negative; it is {PreflightCacheDuration}.";
        }

        foreach (var (model, path) in WorkflowFiles)
        {
            if (!File.Exists(path))
            {
                yield return $"{configurationPath}:WorkflowFiles:{model} names '{path}', which does not exist.";
            }
        }
    }
}

/// <summary>
/// A ComfyUI workflow in API format, with placeholders the request fills: <c>{{prompt}}</c>, <c>{{negative_prompt}}</c>,
/// <c>{{seed}}</c>, <c>{{width}}</c>, <c>{{height}}</c>, <c>{{steps}}</c>, <c>{{cfg}}</c>, <c>{{denoise}}</c>,
/// <c>{{batch_size}}</c>, <c>{{image}}</c>, <c>{{mask}}</c>, <c>{{mask_channel}}</c> (the <c>LoadImageMask</c> channel
/// that reads the request's mask: <c>alpha</c> when it has transparency, else <c>red</c>), <c>{{lora_name}}</c>,
/// <c>{{lora_strength}}</c>, <c>{{checkpoint}}</c>, and for split FLUX files <c>{{unet}}</c>, <c>{{clip_l}}</c>,
/// <c>{{t5xxl}}</c>, <c>{{vae}}</c>. A template that names <c>{{lora_name}}</c> needs exactly one LoRA. A string that is exactly one placeholder becomes that value with its type (a number for
/// <c>{{seed}}</c>); placeholders inside longer strings are replaced as text.
/// </summary>
public sealed class ComfyUIWorkflow
{
    /// <summary>The workflow JSON (ComfyUI's "Save (API Format)").</summary>
    public string Json { get; set; } = "{}";

    /// <summary>What the workflow can do: text-to-image by default.</summary>
    public ImageCapabilities Capabilities { get; set; } = ImageCapabilities.TextToImage | ImageCapabilities.Seed | ImageCapabilities.NegativePrompt | ImageCapabilities.StepsAndGuidance;

    /// <summary>The steps used when a request gives none.</summary>
    public int DefaultSteps { get; set; } = 25;

    /// <summary>The guidance (cfg) used when a request gives none.</summary>
    public double DefaultCfg { get; set; } = 7;
}
