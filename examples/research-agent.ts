/**
 * A multi-step research agent: plans subtopics, researches each one (streamed), and keeps a
 * growing set of notes. It needs no change to run under wflo:
 *
 *   wflo run --simulate examples/research-agent.ts --budget 0.002 -- --topic "solar power"
 *
 * Each step sends the notes so far, so every call costs more than the last: with a small
 * budget, wflo stops the run before the call that could overspend it.
 */
import OpenAI from 'openai';

const args = process.argv.slice(2);
const topicAt = args.indexOf('--topic');
const topic = topicAt >= 0 ? (args[topicAt + 1] ?? 'solar power') : 'solar power';
const steps = 12;

const client = new OpenAI();
const notes: string[] = [];

async function ask(prompt: string): Promise<string> {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 400,
    stream: true,
    messages: [
      { role: 'system', content: 'You are a careful research assistant. Build on the notes you are given.' },
      { role: 'user', content: `Notes so far:\n${notes.join('\n') || '(none)'}\n\n${prompt}` },
    ],
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

console.log(`Researching "${topic}" in ${steps} steps`);
for (let step = 1; step <= steps; step++) {
  const answer = await ask(`Step ${step} of ${steps}: research one new aspect of ${topic}.`);
  notes.push(`- step ${step}: ${answer}`);
  console.log(`step ${step}: ${answer.slice(0, 72)}…`);
}
const summary = await ask(`Summarise everything above about ${topic} in five sentences.`);
console.log(`\nSummary: ${summary}`);
