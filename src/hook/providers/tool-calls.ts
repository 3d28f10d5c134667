import type { AskedTool } from '../../protocol/messages.js';
import { asObject, type Json } from './types.js';

/*
 * The tool calls a response asks for, read from each provider's shapes: chat `tool_calls`,
 * Responses `function_call` / `custom_tool_call` items, Anthropic `tool_use` blocks.
 * Arguments stay as the model wrote them (a JSON text); the supervisor normalises them.
 */

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Chat completion: every choice's message.tool_calls. */
export function chatToolCalls(body: Json | undefined): AskedTool[] {
  const asked: AskedTool[] = [];
  for (const choice of list(body?.choices)) {
    for (const call of list(asObject(asObject(choice)?.message)?.tool_calls)) {
      const fn = asObject(asObject(call)?.function);
      if (typeof fn?.name === 'string') asked.push({ name: fn.name, args: typeof fn.arguments === 'string' ? fn.arguments : '' });
    }
  }
  return asked;
}

/** Responses API: function_call and custom_tool_call items of the output. */
export function responsesToolCalls(response: Json | undefined): AskedTool[] {
  const asked: AskedTool[] = [];
  for (const raw of list(response?.output)) {
    const item = asObject(raw);
    if (typeof item?.name !== 'string') continue;
    if (item.type === 'function_call') asked.push({ name: item.name, args: typeof item.arguments === 'string' ? item.arguments : '' });
    else if (item.type === 'custom_tool_call') asked.push({ name: item.name, args: typeof item.input === 'string' ? item.input : '' });
  }
  return asked;
}

/** Anthropic message: tool_use content blocks. */
export function anthropicToolCalls(body: Json | undefined): AskedTool[] {
  const asked: AskedTool[] = [];
  for (const raw of list(body?.content)) {
    const block = asObject(raw);
    if (block?.type === 'tool_use' && typeof block.name === 'string') asked.push({ name: block.name, args: JSON.stringify(block.input ?? {}) });
  }
  return asked;
}

/** Chat stream: tool calls arrive as deltas keyed by choice and index, the name first, the arguments in pieces. */
export class ChatToolDeltas {
  private readonly calls = new Map<string, AskedTool>();

  add(chunk: Json): void {
    for (const rawChoice of list(chunk.choices)) {
      const choice = asObject(rawChoice);
      for (const rawCall of list(asObject(choice?.delta)?.tool_calls)) {
        const call = asObject(rawCall);
        const fn = asObject(call?.function);
        const key = `${String(choice?.index ?? 0)}:${String(call?.index ?? 0)}`;
        const known = this.calls.get(key) ?? { name: '', args: '' };
        if (typeof fn?.name === 'string') known.name += fn.name;
        if (typeof fn?.arguments === 'string') known.args += fn.arguments;
        this.calls.set(key, known);
      }
    }
  }

  result(): AskedTool[] {
    return [...this.calls.values()].filter((c) => c.name !== '');
  }
}

/** Anthropic stream: a tool_use block starts with its name; its input arrives as partial JSON. */
export class AnthropicToolDeltas {
  private readonly blocks = new Map<number, AskedTool>();

  add(event: string | null, json: Json): void {
    const index = typeof json.index === 'number' ? json.index : -1;
    if (event === 'content_block_start') {
      const block = asObject(json.content_block);
      if (block?.type === 'tool_use' && typeof block.name === 'string') this.blocks.set(index, { name: block.name, args: '' });
    } else if (event === 'content_block_delta') {
      const delta = asObject(json.delta);
      const known = this.blocks.get(index);
      if (known && delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') known.args += delta.partial_json;
    }
  }

  result(): AskedTool[] {
    return [...this.blocks.values()].map((b) => ({ name: b.name, args: b.args === '' ? '{}' : b.args }));
  }
}
