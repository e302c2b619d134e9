namespace UnifiedImageGen.Google;

/// <summary>
/// One entry of a Gemini request's <c>safetySettings</c> (python-genai types.py <c>SafetySetting</c>): a harm category,
/// such as <c>HARM_CATEGORY_DANGEROUS_CONTENT</c>, and the threshold to block at, such as <c>BLOCK_ONLY_HIGH</c>.
/// Values go to Google as written, so new ones need no SDK update.
/// </summary>
/// <param name="Category">The harm category.</param>
/// <param name="Threshold">The blocking threshold.</param>
public sealed record GoogleSafetySetting(string Category, string Threshold);
