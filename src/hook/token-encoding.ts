/** The BPE encodings wflo can count with (gpt-tokenizer's encoding-specific entry points). */
export type Encoding = 'o200k_base' | 'cl100k_base';

// Prefixes, not gpt-tokenizer's exact-name map: that map sends every unlisted name (claude-…,
// llama-…) to o200k_base, where wflo needs "unknown". o200k first: "gpt-4o" starts with "gpt-4".
const O200K = /^(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|codex-mini|o\d)/;
const CL100K = /^(?:gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002|babbage-002|davinci-002)/;

/**
 * The encoding of an OpenAI model (fine-tunes included), or null when wflo does not know it
 * (then the byte bound stays). Cheap: loads no tokenizer.
 */
export function encodingOf(model: string): Encoding | null {
  const base = model.startsWith('ft:') ? model.slice(3) : model;
  if (O200K.test(base)) return 'o200k_base';
  if (CL100K.test(base)) return 'cl100k_base';
  return null;
}

/** Whether an exact count is possible for this model at all: worth loading a tokenizer for. */
export function hasKnownEncoding(model: string): boolean {
  return encodingOf(model) !== null;
}
