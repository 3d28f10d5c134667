import { describe, expect, it } from 'vitest';
import { MessagesStreamTracker } from '../../src/hook/providers/anthropic.js';
import { ChatStreamTracker, openAiUsage } from '../../src/hook/providers/openai.js';
import { anthropicToolCalls } from '../../src/hook/providers/tool-calls.js';

describe('tool calls a response asks for', () => {
  it('chat stream deltas, with usage wflo asked for hidden: name and arguments put together per call', () => {
    const tracker = new ChatStreamTracker(true);
    const chunks = [
      '{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search","arguments":""}}]}}],"usage":null}',
      '{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"q\\":"}}]}}],"usage":null}',
      '{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"fetch","arguments":"{}"}}]}}],"usage":null}',
      '{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"wflo\\"}"}}]}}],"usage":null}',
      '{"id":"c","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}}',
    ];
    const passed = chunks.map((c) => tracker.onEvent(c));
    expect(passed[0]).not.toContain('usage');
    expect(passed[4]).toBeNull();
    expect(tracker.result().toolCalls).toEqual([{ name: 'search', args: '{"q":"wflo"}' }, { name: 'fetch', args: '{}' }]);
    expect(tracker.result().usage?.inputTokens).toBe(10);
  });

  it('Responses function calls and chat messages, plain', () => {
    expect(openAiUsage('responses', { output: [{ type: 'message' }, { type: 'function_call', name: 'lookup', arguments: '{"id":1}' }] }).toolCalls)
      .toEqual([{ name: 'lookup', args: '{"id":1}' }]);
    expect(openAiUsage('chat.completions', { choices: [{ message: { tool_calls: [{ function: { name: 'a', arguments: '{}' } }] } }] }).toolCalls)
      .toEqual([{ name: 'a', args: '{}' }]);
  });

  it('Anthropic tool_use blocks, plain and streamed', () => {
    expect(anthropicToolCalls({ content: [{ type: 'text' }, { type: 'tool_use', name: 'calc', input: { x: 2 } }] })).toEqual([{ name: 'calc', args: '{"x":2}' }]);
    const tracker = new MessagesStreamTracker();
    tracker.onEvent('{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"calc","input":{}}}', 'content_block_start');
    tracker.onEvent('{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"x\\""}}', 'content_block_delta');
    tracker.onEvent('{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":":2}"}}', 'content_block_delta');
    expect(tracker.result().toolCalls).toEqual([{ name: 'calc', args: '{"x":2}' }]);
  });
});
