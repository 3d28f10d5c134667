/** Anthropic Messages API (`/v1/messages`), plain and streamed. */
import type { FakeUsage } from './server.js';
import { charPieces, sseEvent, wordPieces } from './sse.js';
import { estimateInputTokens } from './usage.js';
import {
  isRecord, newId, planAnswer, positiveInt, textOf,
  type Answer, type BadRequest, type Draft, type ToolSpec,
} from './wire-common.js';

/** Drafts a `/v1/messages` answer. */
export function draftMessages(body: Record<string, unknown>): Draft | BadRequest {
  const model = body.model;
  if (typeof model !== 'string' || model === '') return { bad: 'model: Field required', param: 'model' };
  const messages = body.messages;
  if (!Array.isArray(messages)) return { bad: 'messages: Field required', param: 'messages' };
  const maxOutputTokens = positiveInt(body.max_tokens);
  if (maxOutputTokens === undefined) return { bad: 'max_tokens: Field required', param: 'max_tokens' };

  const texts: string[] = [];
  const system = textOf(body.system);
  if (system !== '') texts.push(system);
  let userText = '';
  let last: Record<string, unknown> | undefined;
  for (const message of messages) {
    if (!isRecord(message)) return { bad: 'messages: each message must be an object', param: 'messages' };
    last = message;
    texts.push(textOf(message.content));
    const said = message.role === 'user' ? textOf(message.content, false) : '';
    if (said !== '') userText = said;
  }
  // After a tool_result the model answers in text, so agent loops end.
  const wantsTool = last !== undefined && last.role === 'user' && !hasToolResult(last.content);
  const tool = wantsTool ? anthropicTool(body.tools, body.tool_choice) : undefined;
  const answer = planAnswer(tool, userText, maxOutputTokens);
  const stream = body.stream === true;
  return {
    model,
    stream,
    maxOutputTokens,
    defaultInput: estimateInputTokens(texts),
    defaultOutput: answer.tokens,
    render: (usage) =>
      stream
        ? { kind: 'sse', frames: messageFrames(model, answer, usage) }
        : { kind: 'json', body: JSON.stringify(messageBody(model, answer, usage)) },
  };
}

function hasToolResult(content: unknown): boolean {
  return Array.isArray(content) && content.some((block) => isRecord(block) && block.type === 'tool_result');
}

/** The first client tool (server tools have no input_schema), or the one tool_choice names. */
function anthropicTool(tools: unknown, toolChoice: unknown): ToolSpec | undefined {
  if (!Array.isArray(tools)) return undefined;
  if (isRecord(toolChoice) && toolChoice.type === 'none') return undefined;
  const wanted = isRecord(toolChoice) && toolChoice.type === 'tool' ? toolChoice.name : undefined;
  for (const tool of tools) {
    if (!isRecord(tool) || typeof tool.name !== 'string' || tool.input_schema === undefined) continue;
    if (wanted === undefined || wanted === tool.name) return { name: tool.name, schema: tool.input_schema };
  }
  return undefined;
}

function stopReason(answer: Answer): 'end_turn' | 'max_tokens' | 'tool_use' {
  if (answer.kind === 'tool') return 'tool_use';
  return answer.reply.truncated ? 'max_tokens' : 'end_turn';
}

/** Anthropic's usage: input_tokens excludes cache reads and writes. */
function inputUsage(usage: FakeUsage): Record<string, unknown> {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedTokens - usage.cacheWriteTokens),
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedTokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
  };
}

function toolBlock(answer: Extract<Answer, { kind: 'tool' }>, input: unknown): Record<string, unknown> {
  return { type: 'tool_use', id: newId('toolu_'), name: answer.name, input };
}

function messageBody(model: string, answer: Answer, usage: FakeUsage): Record<string, unknown> {
  const block =
    answer.kind === 'tool'
      ? toolBlock(answer, answer.input)
      : { type: 'text', text: answer.reply.text };
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content: [block],
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: { ...inputUsage(usage), output_tokens: usage.outputTokens, service_tier: 'standard' },
  };
}

/** message_start … message_stop, as the real API streams them. */
function messageFrames(model: string, answer: Answer, usage: FakeUsage): string[] {
  const start = {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...inputUsage(usage), output_tokens: 1, service_tier: 'standard' },
  };
  const frames = [sseEvent('message_start', { type: 'message_start', message: start })];
  const delta = (d: Record<string, unknown>): string =>
    sseEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: d });
  if (answer.kind === 'tool') {
    const block = toolBlock(answer, {});
    frames.push(sseEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: block }));
    frames.push(sseEvent('ping', { type: 'ping' }));
    frames.push(delta({ type: 'input_json_delta', partial_json: '' }));
    for (const piece of charPieces(answer.args)) frames.push(delta({ type: 'input_json_delta', partial_json: piece }));
  } else {
    const block = { type: 'text', text: '' };
    frames.push(sseEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: block }));
    frames.push(sseEvent('ping', { type: 'ping' }));
    for (const piece of wordPieces(answer.reply.words)) frames.push(delta({ type: 'text_delta', text: piece }));
  }
  frames.push(sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }));
  frames.push(
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason(answer), stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    }),
  );
  frames.push(sseEvent('message_stop', { type: 'message_stop' }));
  return frames;
}
