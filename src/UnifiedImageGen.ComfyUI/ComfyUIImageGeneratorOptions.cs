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

    /// <summary>The checkpoint the built-in SDXL templates load.</summary>
    /// <value><c>sd_xl_base_1.0.safetensors</c>.</value>
    public string SdxlCheckpoint { get; set; } = "sd_xl_base_1.0.safetensors";

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
/// <c>{{batch_size}}</c>, <c>{{image}}</c>, <c>{{mask}}</c>, <c>{{lora_name}}</c>, <c>{{lora_strength}}</c>,
/// <c>{{checkpoint}}</c>. A string that is exactly one placeholder becomes that value with its type (a number for
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
