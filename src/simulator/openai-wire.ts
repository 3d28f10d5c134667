/** OpenAI chat completions and embeddings, plain and streamed, as the real API shapes them. */
import type { FakeUsage } from './server.js';
import { charPieces, SSE_DONE, sseData, wordPieces } from './sse.js';
import { estimateInputTokens, hashText, textTokens } from './usage.js';
import {
  isRecord, newId, nowSeconds, planAnswer, positiveInt, textOf,
  type Answer, type BadRequest, type Draft, type ToolSpec,
} from './wire-common.js';

const FINGERPRINT = 'fp_sim';

/** Drafts a `/v1/chat/completions` answer. */
export function draftChat(body: Record<string, unknown>): Draft | BadRequest {
  const model = body.model;
  if (typeof model !== 'string' || model === '') return { bad: 'you must provide a model parameter', param: 'model' };
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { bad: "'messages' must be a non-empty array", param: 'messages' };
  }
  const texts: string[] = [];
  let userText = '';
  let lastRole = '';
  for (const message of messages) {
    if (!isRecord(message)) return { bad: 'each message must be an object', param: 'messages' };
    lastRole = typeof message.role === 'string' ? message.role : '';
    texts.push(textOf(message.content) + toolCallText(message.tool_calls));
    if (lastRole === 'user') userText = textOf(message.content, false);
  }
  const maxOutputTokens = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  const n = Math.min(128, positiveInt(body.n) ?? 1);
  // After a tool result the model answers in text; that is what lets agent loops end.
  const tool = lastRole === 'user' ? chatTool(body.tools, body.tool_choice) : undefined;
  const answer = planAnswer(tool, userText, maxOutputTokens);
  const stream = body.stream === true;
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  return {
    model,
    stream,
    maxOutputTokens,
    defaultInput: estimateInputTokens(texts),
    defaultOutput: n * answer.tokens,
    render: (usage) =>
      stream
        ? { kind: 'sse', frames: chatFrames(model, answer, n, includeUsage ? usage : undefined) }
        : { kind: 'json', body: chatBody(model, answer, n, usage) },
  };
}

function toolCallText(toolCalls: unknown): string {
  if (!Array.isArray(toolCalls)) return '';
  let out = '';
  for (const call of toolCalls) {
    if (isRecord(call) && isRecord(call.function) && typeof call.function.arguments === 'string') {
      out += call.function.arguments;
    }
  }
  return out;
}

/** The first function tool, or the one `tool_choice` names; none when tool_choice is 'none'. */
function chatTool(tools: unknown, toolChoice: unknown): ToolSpec | undefined {
  if (!Array.isArray(tools) || toolChoice === 'none') return undefined;
  const wanted = isRecord(toolChoice) && isRecord(toolChoice.function) ? toolChoice.function.name : undefined;
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) continue;
    const { name, parameters } = tool.function;
    if (typeof name === 'string' && (wanted === undefined || wanted === name)) return { name, schema: parameters };
  }
  return undefined;
}

function finishReason(answer: Answer): 'stop' | 'length' | 'tool_calls' {
  if (answer.kind === 'tool') return 'tool_calls';
  return answer.reply.truncated ? 'length' : 'stop';
}

/** The `usage` object of a chat completion. */
function chatUsage(usage: FakeUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatBody(model: string, answer: Answer, n: number, usage: FakeUsage): string {
  const choices: unknown[] = [];
  for (let index = 0; index < n; index++) {
    const message =
      answer.kind === 'text'
        ? { role: 'assistant', content: answer.reply.text, refusal: null, annotations: [] }
        : {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: newId('call_'), type: 'function', function: { name: answer.name, arguments: answer.args } }],
            refusal: null,
            annotations: [],
          };
    choices.push({ index, message, logprobs: null, finish_reason: finishReason(answer) });
  }
  return JSON.stringify({
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices,
    usage: chatUsage(usage),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  });
}

/** Chunks as the real API streams them; `usage` only when stream_options.include_usage asked for it. */
function chatFrames(model: string, answer: Answer, n: number, usage: FakeUsage | undefined): string[] {
  const id = newId('chatcmpl-');
  const created = nowSeconds();
  const chunk = (choices: unknown[], last?: FakeUsage): string =>
    sseData({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
      choices,
      ...(usage ? { usage: last ? chatUsage(last) : null } : {}),
    });
  const frames: string[] = [];
  for (let index = 0; index < n; index++) {
    const delta = (d: Record<string, unknown>) => [{ index, delta: d, logprobs: null, finish_reason: null }];
    if (answer.kind === 'text') {
      frames.push(chunk(delta({ role: 'assistant', content: '', refusal: null })));
      for (const piece of wordPieces(answer.reply.words)) frames.push(chunk(delta({ content: piece })));
    } else {
      const call = { index: 0, id: newId('call_'), type: 'function', function: { name: answer.name, arguments: '' } };
      frames.push(chunk(delta({ role: 'assistant', content: null, tool_calls: [call], refusal: null })));
      for (const piece of charPieces(answer.args)) {
        frames.push(chunk(delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] })));
      }
    }
    frames.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: finishReason(answer) }]));
  }
  if (usage) frames.push(chunk([], usage));
  frames.push(SSE_DONE);
  return frames;
}

/** Drafts a `/v1/embeddings` answer: deterministic unit vectors, float or base64. */
export function draftEmbeddings(body: Record<string, unknown>): Draft | BadRequest {
  const model = body.model;
  if (typeof model !== 'string' || model === '') return { bad: 'you must provide a model parameter', param: 'model' };
  const inputs = embeddingInputs(body.input);
  if (!inputs) return { bad: "'input' must be a string, an array of strings or an array of token arrays", param: 'input' };
  const dimensions = positiveInt(body.dimensions) ?? 8;
  const base64 = body.encoding_format === 'base64';
  let defaultInput = 0;
  for (const input of inputs) defaultInput += typeof input === 'string' ? textTokens(input) : input.length;
  return {
    model,
    stream: false,
    maxOutputTokens: undefined,
    defaultInput,
    defaultOutput: 0,
    outputless: true,
    render: (usage) => {
      const data = inputs.map((input, index) => {
        const vector = fakeVector(typeof input === 'string' ? input : input.join(','), dimensions);
        return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : Array.from(vector) };
      });
      const body = { object: 'list', data, model, usage: { prompt_tokens: usage.inputTokens, total_tokens: usage.inputTokens } };
      return { kind: 'json', body: JSON.stringify(body) };
    },
  };
}

type EmbeddingInput = string | readonly number[];

function embeddingInputs(input: unknown): EmbeddingInput[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'string')) return input;
  if (input.every((x) => typeof x === 'number')) return [input];
  const nested: EmbeddingInput[] = [];
  for (const x of input) {
    if (!Array.isArray(x) || !x.every((t) => typeof t === 'number')) return undefined;
    nested.push(x);
  }
  return nested;
}

/** A unit vector seeded by the text, so equal inputs embed equally. */
function fakeVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let state = hashText(text) || 1;
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = ((state >>> 0) / 0xffffffff) * 2 - 1;
    vector[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}

/** Little-endian float32 bytes, base64: what the SDK's default `encoding_format` expects. */
function toBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes.toString('base64');
}
