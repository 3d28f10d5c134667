/** Placeholder until the tokenizer bundle lands: counting is unavailable, so the byte bound stays. */
export function loadTokenBound(): ((endpoint: 'chat.completions' | 'completions' | 'responses' | 'embeddings', body: Record<string, unknown>) => number | null) | null {
  return null;
}
