/** OpenAI Responses API (`/v1/responses`), plain and streamed. */
import type { FakeUsage } from './server.js';
import { charPieces, sseEvent, wordPieces } from './sse.js';
import { estimateInputTokens } from './usage.js';
import {
  isRecord, newId, nowSeconds, planAnswer, positiveInt, textOf,
  type Answer, type BadRequest, type Draft, type ToolSpec,
} from './wire-common.js';

/** Drafts a `/v1/responses` answer. */
export function draftResponses(body: Record<string, unknown>): Draft | BadRequest {
  const model = body.model;
  if (typeof model !== 'string' || model === '') return { bad: 'you must provide a model parameter', param: 'model' };
  const input = body.input;
  if (typeof input !== 'string' && !Array.isArray(input)) {
    return { bad: "'input' must be a string or an array of input items", param: 'input' };
  }
  const texts: string[] = typeof body.instructions === 'string' ? [body.instructions] : [];
  let userText = typeof input === 'string' ? input : '';
  let lastIsUser = typeof input === 'string';
  if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRecord(item)) continue;
      texts.push(textOf(item.content) + itemToolText(item));
      lastIsUser = item.role === 'user';
      if (lastIsUser) userText = textOf(item.content, false);
    }
  } else {
    texts.push(input);
  }
  const maxOutputTokens = positiveInt(body.max_output_tokens);
  // After a function_call_output the model answers in text, so agent loops end.
  const tool = lastIsUser ? responsesTool(body.tools, body.tool_choice) : undefined;
  const answer = planAnswer(tool, userText, maxOutputTokens);
  const stream = body.stream === true;
  const shell = responseShell(body, model, maxOutputTokens);
  return {
    model,
    stream,
    maxOutputTokens,
    defaultInput: estimateInputTokens(texts),
    defaultOutput: answer.tokens,
    render: (usage) =>
      stream
        ? { kind: 'sse', frames: responseFrames(shell, answer, usage) }
        : { kind: 'json', body: JSON.stringify(finished(shell, answer, [outputItem(answer, itemId(answer))], usage)) },
  };
}

function itemToolText(item: Record<string, unknown>): string {
  if (typeof item.arguments === 'string') return item.arguments;
  return typeof item.output === 'string' ? item.output : textOf(item.output);
}

function responsesTool(tools: unknown, toolChoice: unknown): ToolSpec | undefined {
  if (!Array.isArray(tools) || toolChoice === 'none') return undefined;
  const wanted = isRecord(toolChoice) ? toolChoice.name : undefined;
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== 'function' || typeof tool.name !== 'string') continue;
    if (wanted === undefined || wanted === tool.name) return { name: tool.name, schema: tool.parameters };
  }
  return undefined;
}

type Shell = Record<string, unknown>;

/** Every field of a response object except status, output and usage, echoing the request. */
function responseShell(body: Record<string, unknown>, model: string, maxOutputTokens: number | undefined): Shell {
  return {
    id: newId('resp_'),
    object: 'response',
    created_at: nowSeconds(),
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: maxOutputTokens ?? null,
    max_tool_calls: null,
    model,
    parallel_tool_calls: true,
    previous_response_id: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store !== false,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_logprobs: 0,
    top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: 'disabled',
    user: null,
    metadata: isRecord(body.metadata) ? body.metadata : {},
  };
}

function incomplete(answer: Answer): boolean {
  return answer.kind === 'text' && answer.reply.truncated;
}

function finished(shell: Shell, answer: Answer, output: unknown[], usage: FakeUsage): Shell {
  const cut = incomplete(answer);
  return {
    ...shell,
    status: cut ? 'incomplete' : 'completed',
    completed_at: cut ? null : nowSeconds(),
    incomplete_details: cut ? { reason: 'max_output_tokens' } : null,
    output,
    usage: {
      input_tokens: usage.inputTokens,
      input_tokens_details: { cached_tokens: usage.cachedTokens },
      output_tokens: usage.outputTokens,
      output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
  };
}

function itemId(answer: Answer): string {
  return newId(answer.kind === 'tool' ? 'fc_' : 'msg_');
}

function textPart(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

/** The finished output item: a message, or a function call. */
function outputItem(answer: Answer, id: string, callId = newId('call_')): Record<string, unknown> {
  if (answer.kind === 'tool') {
    return { id, type: 'function_call', status: 'completed', arguments: answer.args, call_id: callId, name: answer.name };
  }
  const status = answer.reply.truncated ? 'incomplete' : 'completed';
  return { id, type: 'message', status, content: [textPart(answer.reply.text)], role: 'assistant' };
}

/** The event sequence the real API streams, with increasing sequence numbers. */
function responseFrames(shell: Shell, answer: Answer, usage: FakeUsage): string[] {
  const frames: string[] = [];
  const emit = (type: string, fields: Record<string, unknown>): void => {
    frames.push(sseEvent(type, { type, sequence_number: frames.length, ...fields }));
  };
  const pending = { ...shell, status: 'in_progress', output: [], usage: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });

  const id = itemId(answer);
  const callId = newId('call_');
  const item = outputItem(answer, id, callId);
  const at = { item_id: id, output_index: 0 };
  if (answer.kind === 'tool') {
    emit('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const delta of charPieces(answer.args)) emit('response.function_call_arguments.delta', { ...at, delta });
    emit('response.function_call_arguments.done', { ...at, name: answer.name, arguments: answer.args });
  } else {
    const part = { ...at, content_index: 0 };
    emit('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    emit('response.content_part.added', { ...part, part: textPart('') });
    for (const delta of wordPieces(answer.reply.words)) emit('response.output_text.delta', { ...part, delta, logprobs: [] });
    emit('response.output_text.done', { ...part, text: answer.reply.text, logprobs: [] });
    emit('response.content_part.done', { ...part, part: textPart(answer.reply.text) });
  }
  emit('response.output_item.done', { output_index: 0, item });
  const final = finished(shell, answer, [item], usage);
  emit(incomplete(answer) ? 'response.incomplete' : 'response.completed', { response: final });
  return frames;
}
