/**
 * An OpenAI Agents SDK handoff: triage hands the question to a writer. No wflo code in it:
 * wflo attributes each call to the agent that made it.
 *
 *   OPENAI_AGENTS_DISABLE_TRACING=1 wflo run --simulate examples/agents-handoff.ts --budget 0.01
 */
import { Agent, run } from '@openai/agents';

const writer = new Agent({ name: 'writer', instructions: 'Write a short, plain answer.', model: 'gpt-4o-mini' });
const triage = new Agent({ name: 'triage', instructions: 'Hand every question to the writer.', model: 'gpt-4o-mini', handoffs: [writer] });

const result = await run(triage, 'What does wflo do, in one line?');
console.log(JSON.stringify({ lastAgent: result.lastAgent?.name, answered: String(result.finalOutput ?? '').length > 0 }));
