/**
 * The official SDKs with tool use, attributed with wflo's agent() and timed with tool():
 * an OpenAI chat tool loop (researcher) and an Anthropic tool call (reviewer).
 *
 *   wflo run --simulate examples/plain-tools.ts --budget 0.01 --agent-budget researcher=0.005
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { agent, tool } from 'wflo';

const openai = new OpenAI();
const anthropic = new Anthropic();
const lookup = tool('lookup', async (term: string) => `${term}: a common term in energy policy.`);

await agent('researcher', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { term: { type: 'string' } }, required: ['term'] } } }];
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Define "capacity factor". Use lookup.' }];
  for (let step = 0; step < 3; step++) {
    const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, max_tokens: 200 });
    const message = reply.choices[0]!.message;
    messages.push(message);
    if (!message.tool_calls?.length) break;
    for (const call of message.tool_calls) {
      if (call.type !== 'function') continue;
      const { term } = JSON.parse(call.function.arguments) as { term: string };
      messages.push({ role: 'tool', tool_call_id: call.id, content: await lookup(term) });
    }
  }
});

await agent('reviewer', async () => {
  const reply = await anthropic.messages.create({
    model: 'claude-haiku-4-5', max_tokens: 200,
    tools: [{ name: 'lookup', description: 'Look a term up', input_schema: { type: 'object', properties: { term: { type: 'string' } }, required: ['term'] } }],
    messages: [{ role: 'user', content: 'Check the definition of "capacity factor" with lookup.' }],
  });
  for (const block of reply.content) if (block.type === 'tool_use') await lookup((block.input as { term: string }).term);
});
console.log(JSON.stringify({ done: true }));
