/**
 * A small research graph in LangGraph.js: a researcher node that may call a search tool, then
 * a writer node. No wflo code in it: wflo attributes each call to the node that made it.
 *
 *   wflo run --simulate examples/langgraph-research.ts --budget 0.01
 *   wflo status <run-id>      # spend by agent: researcher, writer
 */
import { tool } from '@langchain/core/tools';
import type { AIMessage } from '@langchain/core/messages';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';

const search = tool(async ({ query }: { query: string }) => `Three sources agree on ${query}.`, {
  name: 'search', description: 'Search the web', schema: z.object({ query: z.string() }),
});

const State = Annotation.Root({
  topic: Annotation<string>(),
  findings: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  draft: Annotation<string>(),
});

const model = new ChatOpenAI({ model: 'gpt-4o-mini', maxTokens: 200 });

async function researcher(state: typeof State.State) {
  const reply = await model.bindTools([search]).invoke(`Research ${state.topic}. Use the search tool.`) as AIMessage;
  const found: string[] = [];
  for (const call of reply.tool_calls ?? []) found.push(String(await search.invoke(call.args as { query: string })));
  return { findings: found.length > 0 ? found : [String(reply.content)] };
}

async function writer(state: typeof State.State) {
  const reply = await model.invoke(`Write two sentences on ${state.topic} from: ${state.findings.join(' ')}`);
  return { draft: String(reply.content) };
}

const graph = new StateGraph(State)
  .addNode('researcher', researcher)
  .addNode('writer', writer)
  .addEdge(START, 'researcher').addEdge('researcher', 'writer').addEdge('writer', END)
  .compile();

const out = await graph.invoke({ topic: 'solar power' });
console.log(JSON.stringify({ findings: out.findings.length, draft: out.draft.length > 0 }));
