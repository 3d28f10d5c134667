/** Server-sent-event framing shared by the OpenAI and Anthropic wire formats. */

/** One `data:` frame, the OpenAI chat-completions style. */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** One named frame (`event:` + `data:`), the Responses API and Anthropic style. */
export function sseEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** The sentinel OpenAI sends after the last chat-completion chunk. */
export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * The same frame with its JSON cut in half, still framed correctly,
 * so an SDK's SSE parser hands the JSON parser something it must reject.
 */
export function truncateFrame(frame: string): string {
  const at = frame.indexOf('data: ');
  if (at < 0) return frame;
  const start = at + 'data: '.length;
  const json = frame.slice(start).trimEnd();
  return `${frame.slice(0, start)}${json.slice(0, Math.max(1, json.length >> 1))}\n\n`;
}

/** Words grouped a few at a time; concatenating the pieces gives back `words.join(' ')`. */
export function wordPieces(words: readonly string[], perPiece = 4): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += perPiece) {
    const group = words.slice(i, i + perPiece).join(' ');
    pieces.push(i === 0 ? group : ` ${group}`);
  }
  return pieces;
}

/** Fixed-size slices of a string (tool-call arguments arrive this way); never empty. */
export function charPieces(text: string, size = 16): string[] {
  if (text.length === 0) return [''];
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
