namespace UnifiedImageGen.ComfyUI;

/// <summary>
/// The built-in workflow templates: FLUX.1 [dev] text-to-image (one checkpoint file, or split diffusion model, text
/// encoders and VAE), and SDXL text-to-image, with a LoRA, image-to-image and inpainting. Node class and input names
/// are ComfyUI's own (nodes.py, comfy_extras/nodes_flux.py, comfy_extras/nodes_sd3.py).
/// </summary>
public static class ComfyUIWorkflows
{
    /// <summary>FLUX.1 [dev] (single-file fp8 checkpoint) text-to-image, the default.</summary>
    public const string FluxDev = "flux-dev";

    /// <summary>FLUX.1 [dev] from split files (<c>UNETLoader</c>, <c>DualCLIPLoader</c> type <c>flux</c>, <c>VAELoader</c>), as ComfyUI's FLUX examples load it.</summary>
    public const string FluxDevSplit = "flux-dev-split";

    /// <summary>SDXL text-to-image.</summary>
    public const string Sdxl = "sdxl";

    /// <summary>SDXL text-to-image with one LoRA (<c>LoraLoader</c>) from <see cref="ImageGenerationRequest.Loras"/>.</summary>
    public const string SdxlLora = "sdxl-lora";

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
        [FluxDevSplit] = new()
        {
            Capabilities = Common | ImageCapabilities.TextToImage,
            DefaultSteps = 20,
            DefaultCfg = 3.5,

            // FLUX is guidance-distilled: the guidance goes into the conditioning (FluxGuidance) and KSampler's cfg stays 1.
            Json = """
            {
              "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "{{unet}}", "weight_dtype": "default"}},
              "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "{{t5xxl}}", "clip_name2": "{{clip_l}}", "type": "flux"}},
              "3": {"class_type": "VAELoader", "inputs": {"vae_name": "{{vae}}"}},
              "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["2", 0]}},
              "5": {"class_type": "FluxGuidance", "inputs": {"guidance": "{{cfg}}", "conditioning": ["4", 0]}},
              "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
              "7": {"class_type": "EmptySD3LatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": "{{batch_size}}"}},
              "8": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0,
                    "model": ["1", 0], "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["7", 0]}},
              "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["3", 0]}},
              "10": {"class_type": "SaveImage", "inputs": {"filename_prefix": "unifiedimagegen", "images": ["9", 0]}}
            }
            """,
        },
        [SdxlLora] = new()
        {
            Capabilities = Common | ImageCapabilities.TextToImage | ImageCapabilities.NegativePrompt | ImageCapabilities.Lora,

            // LoraLoader patches both the model and the text encoder; the prompts are encoded with its CLIP output.
            Json = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
              "2": {"class_type": "LoraLoader", "inputs": {"lora_name": "{{lora_name}}", "strength_model": "{{lora_strength}}", "strength_clip": "{{lora_strength}}", "model": ["1", 0], "clip": ["1", 1]}},
              "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["2", 1]}},
              "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["2", 1]}},
              "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": "{{batch_size}}"}},
              "6": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}", "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                    "model": ["2", 0], "positive": ["3", 0], "negative": ["4", 0], "latent_image": ["5", 0]}},
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

            // A base checkpoint inpaints through SetLatentNoiseMask: only the masked latent is re-noised, the rest kept.
            // (VAEEncodeForInpaint blanks the masked pixels first and needs an inpainting-trained model.) The mask
            // channel is chosen per mask: LoadImageMask's "alpha" gives 1 - alpha, "red" gives brightness.
            Json = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
              "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
              "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["1", 1]}},
              "4": {"class_type": "LoadImage", "inputs": {"image": "{{image}}"}},
              "5": {"class_type": "LoadImageMask", "inputs": {"image": "{{mask}}", "channel": "{{mask_channel}}"}},
              "6": {"class_type": "VAEEncode", "inputs": {"pixels": ["4", 0], "vae": ["1", 2]}},
              "7": {"class_type": "SetLatentNoiseMask", "inputs": {"samples": ["6", 0], "mask": ["5", 0]}},
              "8": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}", "sampler_name": "euler", "scheduler": "normal", "denoise": "{{denoise}}",
                    "model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["7", 0]}},
              "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["1", 2]}},
              "10": {"class_type": "SaveImage", "inputs": {"filename_prefix": "unifiedimagegen", "images": ["9", 0]}}
            }
            """,
        },
    };
}
