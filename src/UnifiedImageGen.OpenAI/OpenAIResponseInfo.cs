namespace UnifiedImageGen.OpenAI;

/// <summary>What OpenAI echoed about a call, kept as <see cref="ImageGenerationResult.RawRepresentation"/>.</summary>
/// <param name="Created">The Unix time the images were created.</param>
/// <param name="Size">The size used (GPT image models).</param>
/// <param name="Quality">The quality used (GPT image models).</param>
/// <param name="OutputFormat">The output format used (GPT image models).</param>
/// <param name="Background">The background used (GPT image models).</param>
public sealed record OpenAIResponseInfo(long? Created, string? Size, string? Quality, string? OutputFormat, string? Background);
