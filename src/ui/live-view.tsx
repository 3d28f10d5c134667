import { Box, Text } from 'ink';
import { formatUsd } from '../ledger/money.js';
import { budgetText } from './describe.js';
import type { LiveState } from './live-state.js';

const BAR_WIDTH = 30;

function SpendBar({ spent, budget }: { spent: number; budget: number | null }) {
  if (budget === null) return <Text>spent {budgetText(spent, budget)}</Text>;
  const share = Math.min(1, spent / budget);
  const filled = Math.round(share * BAR_WIDTH);
  const color = share >= 0.9 ? 'red' : share >= 0.6 ? 'yellow' : 'green';
  return (
    <Text>
      <Text color={color}>{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(BAR_WIDTH - filled)}</Text> {budgetText(spent, budget)} ({Math.round(share * 100)}%)
    </Text>
  );
}

/** The live view under the script's output: spend against budget, calls per model, last events. */
export function LiveView({ state }: { state: LiveState }) {
  const { info } = state;
  if (!info) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={state.stopping ? 'red' : 'cyan'} paddingX={1}>
      <Text>
        <Text bold>wflo</Text> {info.runId} <Text dimColor>{info.script}</Text>
        {info.simulated ? <Text color="magenta"> SIMULATED provider</Text> : null}
      </Text>
      <SpendBar spent={state.spentNano} budget={info.budgetNano} />
      <Text dimColor>
        {state.calls} calls{state.refused ? `, ${state.refused} refused` : ''}{state.capped ? `, ${state.capped} fitted to the budget` : ''} · {state.processes} {state.processes === 1 ? 'process' : 'processes'}
      </Text>
      {state.waiting > 0 ? <Text color="yellow">{state.waiting} {state.waiting === 1 ? 'call waits' : 'calls wait'} for budget held by calls in flight</Text> : null}
      {state.models.map((m) => (
        <Text key={m.model}>  {m.model.padEnd(28)} {String(m.calls).padStart(5)} calls  {formatUsd(m.costNano)}</Text>
      ))}
      {state.agents.some((a) => a.agent !== '(none)') ? state.agents.map((a) => (
        <Text key={`agent:${a.agent}`}>  agent {a.agent.padEnd(22)} {String(a.calls).padStart(5)} calls  {formatUsd(a.costNano)}</Text>
      )) : null}
      {state.recent.map((line, i) => <Text key={i} dimColor wrap="truncate-end">› {line}</Text>)}
      {state.stopping ? <Text color="red">stopping: {state.stopping}</Text> : null}
    </Box>
  );
}
