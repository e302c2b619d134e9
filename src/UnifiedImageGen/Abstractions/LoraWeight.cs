namespace UnifiedImageGen;

/// <summary>A LoRA adapter to apply, with its strength.</summary>
/// <param name="Path">Where the weights are: a URL, a Hugging Face path (<c>owner/repo</c>), or a file name a self-hosted server knows.</param>
/// <param name="Scale">How strongly to apply it; 1.0 by default.</param>
public sealed record LoraWeight(string Path, double Scale = 1.0);
