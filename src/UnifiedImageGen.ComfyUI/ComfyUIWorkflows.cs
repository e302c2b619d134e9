namespace UnifiedImageGen.ComfyUI;

/// <summary>The built-in workflow templates: FLUX.1 [dev] text-to-image, and SDXL text-to-image, image-to-image and inpainting.</summary>
public static class ComfyUIWorkflows
{
    /// <summary>FLUX.1 [dev] (single-file fp8 checkpoint) text-to-image, the default.</summary>
    public const string FluxDev = "flux-dev";

    /// <summary>SDXL text-to-image.</summary>
    public const string Sdxl = "sdxl";

    /// <summary>SDXL image-to-image.</summary>
    public const string SdxlImageToImage = "sdxl-img2img";

    /// <summary>SDXL inpainting.</summary>
    public const string SdxlInpaint = "sdxl-inpaint";

    private const ImageCapabilities Common = ImageCapabilities.Seed | ImageCapabilities.StepsAndGuidance | ImageCapabilities.Progress | ImageCapabilities.ServerCancellation;

    internal static IReadOnlyDictionary<string, ComfyUIWorkflow> BuiltIn { get; } = new Dictionary<string, ComfyUIWorkflow>(StringComparer.OrdinalIgnoreCase)
    {
        [FluxDev] = new()
        {
            Capabilities = Common | ImageCapabilities.TextToImage,
            DefaultSteps = 20,
            DefaultCfg = 3.5,
            Json = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
              "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
              "3": {"class_type": "FluxGuidance", "inputs": {"guidance": "{{cfg}}", "conditioning": ["2", 0]}},
              "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["1", 1]}},
              "5": {"class_type": "EmptySD3LatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": "{{batch_size}}"}},
              "6": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0,
                    "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "latent_image": ["5", 0]}},
              "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["1", 2]}},
              "8": {"class_type": "SaveImage", "inputs": {"filename_prefix": "unifiedimagegen", "images": ["7", 0]}}
            }
            """,
        },
        [Sdxl] = new()
        {
            Capabilities = Common | ImageCapabilities.TextToImage | ImageCapabilities.NegativePrompt,
            Json = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
              "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
              "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["1", 1]}},
              "4": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": "{{batch_size}}"}},
              "5": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}", "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                    "model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["4", 0]}},
              "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
              "7": {"class_type": "SaveImage", "inputs": {"filename_prefix": "unifiedimagegen", "images": ["6", 0]}}
            }
            """,
        },
        [SdxlImageToImage] = new()
        {
            Capabilities = Common | ImageCapabilities.ImageToImage | ImageCapabilities.NegativePrompt,
            Json = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
              "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
              "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["1", 1]}},
              "4": {"class_type": "LoadImage", "inputs": {"image": "{{image}}"}},
              "5": {"class_type": "VAEEncode", "inputs": {"pixels": ["4", 0], "vae": ["1", 2]}},
              "6": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}", "sampler_name": "euler", "scheduler": "normal", "denoise": "{{denoise}}",
                    "model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["5", 0]}},
              "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["1", 2]}},
              "8": {"class_type": "SaveImage", "inputs": {"filename_prefix": "unifiedimagegen", "images": ["7", 0]}}
            }
            """,
        },
        [SdxlInpaint] = new()
        {
            Capabilities = Common | ImageCapabilities.Inpainting | ImageCapabilities.NegativePrompt,
            Json = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
              "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
              "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["1", 1]}},
              "4": {"class_type": "LoadImage", "inputs": {"image": "{{image}}"}},
              "5": {"class_type": "LoadImageMask", "inputs": {"image": "{{mask}}", "channel": "alpha"}},
              "6": {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["4", 0], "vae": ["1", 2], "mask": ["5", 0], "grow_mask_by": 6}},
              "7": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}", "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                    "model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["6", 0]}},
              "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
              "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "unifiedimagegen", "images": ["8", 0]}}
            }
            """,
        },
    };
}
