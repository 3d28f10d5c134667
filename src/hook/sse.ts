/** One server-sent event: its optional `event:` name and its (joined) `data:` lines. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/** Splits a byte stream's text into complete SSE events, however the chunks fall. */
export class SseSplitter {
  private buffered = '';

  /** Returns the raw text of each event completed by this chunk (without the blank line). */
  push(text: string): string[] {
    this.buffered += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    const blocks = this.buffered.split('\n\n');
    this.buffered = blocks.pop() ?? '';
    return blocks.filter((block) => block.length > 0);
  }

  /** Whatever is left when the stream ends (an event without its closing blank line). */
  rest(): string[] {
    const rest = this.buffered;
    this.buffered = '';
    return rest.trim().length > 0 ? [rest] : [];
  }
}

export function parseSseEvent(block: string): SseEvent {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    else if (line.startsWith('event:')) event = line.slice(line[6] === ' ' ? 7 : 6);
  }
  return { event, data: data.join('\n') };
}

export function formatSseEvent(event: SseEvent): string {
  const head = event.event === null ? '' : `event: ${event.event}\n`;
  return `${head}${event.data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
}
