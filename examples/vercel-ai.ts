/**
 * The Vercel AI SDK: a generateText tool loop, then streamText. The first is attributed by its
 * experimental_telemetry functionId (read from the OpenTelemetry span the SDK records, so an
 * OpenTelemetry SDK must be running, as it is for that telemetry anyway); the second by wflo's
 * agent().
 *
 *   wflo run --simulate examples/vercel-ai.ts --budget 0.01
 */
import { openai } from '@ai-sdk/openai';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { agent } from 'wflo';
import { z } from 'zod';

// Spans are recorded (and dropped: no exporter); the AsyncLocalStorage context manager carries them.
new NodeTracerProvider().register();

const weather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `Sunny in ${city}, 21°C.`,
});

const planned = await generateText({
  model: openai('gpt-4o-mini'),
  tools: { weather },
  stopWhen: stepCountIs(3),
  prompt: 'What is the weather in Lisbon? Use the weather tool.',
  maxOutputTokens: 200,
  experimental_telemetry: { isEnabled: true, functionId: 'planner' },
});

const streamed = await agent('writer', async () => {
  const result = streamText({ model: openai('gpt-4o-mini'), prompt: `Write one line from: ${planned.text}`, maxOutputTokens: 100 });
  let text = '';
  for await (const part of result.textStream) text += part;
  return text;
});
console.log(JSON.stringify({ steps: planned.steps.length, streamed: streamed.length > 0 }));
