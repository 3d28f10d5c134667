import { Command, CommanderError, Option } from 'commander';
import { EXIT, UsageError, WfloError } from '../errors.js';
import { escapeCommandData } from '../report/annotations.js';
import type { CliContext } from './context.js';
// Each command's module is loaded only when that command runs: `wflo --version` and `wflo status`
// should not pay for the supervisor, execa, the schema validator or the price catalogue.
import type { CircuitsFlags } from './circuits.js';
import type { DlqFlags } from './dlq.js';
import type { CheckpointsFlags } from './checkpoints.js';
import type { PricesFlags } from './prices.js';
import type { ResumeFlags } from './resume.js';
import type { RollbackFlags } from './rollback.js';
import type { StatusFlags } from './status.js';
import type { UiFlags } from './ui.js';
import type { RunFlags } from '../config/run-options.js';

/** A --no-x flag's value only when given on the command line (commander defaults it to true), so config and stored runs decide otherwise. */
function explicit(command: Command, name: string, value: boolean | undefined): boolean | undefined {
  return command.getOptionValueSource(name) === 'cli' ? value : undefined;
}

/** Collects a repeatable option's values. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** What `run` and `resume` both take: fitting to the budget, agent budgets, loops, the config file, the guards. */
function withRunPolicy(command: Command): Command {
  return command
    .option('--no-fit', 'refuse a call the budget cannot cover whole, instead of lowering its output limit to fit')
    .option('--fit-floor <tokens>', 'fewest output tokens per answer worth sending when fitting a call to the budget (default 256)')
    .option('--agent-budget <name=usd>', 'a budget for one agent (agent() in the SDK); repeatable', collect, [])
    .addOption(new Option('--on-loop <action>', 'when an agent goes on looping after a warning: warn only, fail its next call (LoopDetectedError), or stop the run (exit 4)').choices(['warn', 'error', 'stop']))
    .option('--config <file>', 'the config file (default ./wflo.config.json)')
    .option('--no-guards', 'no loop detection, circuit breakers or retries by wflo (budgets, agent budgets included, still hold)');
}

function program(ctx: CliContext, setCode: (code: number) => void): Command {
  const cli = new Command('wflo')
    .description('Run AI agent scripts under supervision: exact cost, a hard budget, a record of every call.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .showHelpAfterError('(run `wflo --help` for usage)');

  withRunPolicy(cli.command('run')
    .description('run an agent script (.ts, .mts, .js, .mjs) with every LLM call metered; anything after -- goes to the script')
    .argument('<script>', 'the agent script')
    .argument('[args...]', 'arguments for the script (put them after --)')
    .option('--budget <usd>', 'hard budget in US dollars: no call that could exceed it is sent')
    .addOption(new Option('--on-budget <action>', 'when a call could exceed the budget: stop the run, or fail the call with BudgetExceededError').choices(['stop', 'error']))
    .option('--report <file>', 'write a JSON report of the run')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .option('--simulate', 'answer LLM calls with a local simulated provider (no API key, no cost)')
    .option('--grace <ms>', 'how long a stopped script gets after SIGTERM before it is killed (default 5000)')
    .option('--node <path>', 'the node binary to run the script with')
    .option('--no-journal', 'keep no copy of LLM responses (a resumed run then pays again for calls it repeats)'))
    .action(async (script: string, args: string[], flags: RunFlags, command: Command) => {
      const { runCommand } = await import('./run.js');
      setCode(await runCommand(script, args, { ...flags, journal: explicit(command, 'journal', flags.journal), fit: explicit(command, 'fit', flags.fit), guards: explicit(command, 'guards', flags.guards) }, ctx));
    });

  cli.command('checkpoints')
    .description('a run\'s checkpoints in order; `wflo checkpoints show <checkpoint-id>` prints one\'s saved state')
    .argument('<run-id>', 'a run id, or "show"')
    .argument('[checkpoint-id]', 'with show: the checkpoint to print')
    .option('--json', 'print JSON')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .action(async (first: string, second: string | undefined, flags: CheckpointsFlags) => {
      if (first === 'show' && second === undefined) throw new UsageError('usage: wflo checkpoints show <checkpoint-id>');
      const { checkpointsCommand, showCheckpointCommand } = await import('./checkpoints.js');
      setCode(first === 'show' && second !== undefined ? showCheckpointCommand(second, flags, ctx) : checkpointsCommand(first, flags, ctx));
    });

  cli.command('rollback')
    .description('make a checkpoint its run\'s head; later checkpoints and calls are kept, marked superseded')
    .argument('<checkpoint-id>', 'a checkpoint id from `wflo checkpoints`')
    .option('--json', 'print JSON')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .action(async (checkpointId: string, flags: RollbackFlags) => {
      const { rollbackCommand } = await import('./rollback.js');
      setCode(rollbackCommand(checkpointId, flags, ctx));
    });

  withRunPolicy(cli.command('resume')
    .description('relaunch a run\'s script and arguments, continuing from its head checkpoint; calls it repeats after that checkpoint are replayed, not paid again')
    .argument('<run-id>', 'a run id from `wflo status`')
    .argument('[args...]', 'the script\'s arguments for this attempt, after -- (needed when they were stored with secrets redacted)')
    .option('--budget <usd>', 'a new budget for the whole run (what it has spent stays spent)')
    .option('--replay', 'after a rollback, also replay the calls of the abandoned timeline')
    .option('--no-journal', 'keep no copy of LLM responses in this attempt')
    .option('--report <file>', 'write a JSON report of the run')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .option('--grace <ms>', 'how long a stopped script gets after SIGTERM before it is killed (default 5000)')
    .option('--node <path>', 'the node binary to run the script with'))
    .action(async (runId: string, args: string[], flags: ResumeFlags, command: Command) => {
      const { resumeCommand } = await import('./resume.js');
      setCode(await resumeCommand(runId, args, { ...flags, journal: explicit(command, 'journal', flags.journal), fit: explicit(command, 'fit', flags.fit), guards: explicit(command, 'guards', flags.guards) }, ctx));
    });

  cli.command('status')
    .description('recent runs, newest first; or one run with its spend by model')
    .argument('[run-id]', 'a run id from `wflo status`')
    .option('--json', 'print JSON')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .option('--limit <n>', 'how many runs to list (default 20)')
    .action(async (runId: string | undefined, flags: StatusFlags) => {
      const { statusCommand } = await import('./status.js');
      setCode(statusCommand(runId, flags, ctx));
    });

  const circuits = cli.command('circuits')
    .description('circuit breakers stored across runs (provider:model, and agent burn-rate breakers); `wflo circuits reset <name>` closes one')
    .option('--json', 'print JSON')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .action(async (flags: CircuitsFlags) => {
      const { circuitsCommand } = await import('./circuits.js');
      setCode(circuitsCommand(flags, ctx));
    });
  circuits.command('reset')
    .description('close a circuit: the next call goes through')
    .argument('<name>', 'a circuit name from `wflo circuits`, e.g. openai:gpt-4o-mini')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    // --db may be taken by `circuits` itself when given after the name: read both.
    .action(async (name: string, flags: CircuitsFlags, command: Command) => {
      const { resetCircuitCommand } = await import('./circuits.js');
      setCode(resetCircuitCommand(name, { ...command.parent?.opts<CircuitsFlags>(), ...flags }, ctx));
    });

  cli.command('dlq')
    .description('calls wflo gave up on after their retries (the dead-letter list), newest first')
    .argument('[run-id]', 'only this run\'s')
    .option('--json', 'print JSON')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .option('--limit <n>', 'how many to list (default 50)')
    .action(async (runId: string | undefined, flags: DlqFlags) => {
      const { dlqCommand } = await import('./dlq.js');
      setCode(dlqCommand(runId, flags, ctx));
    });

  cli.command('ui')
    .description('a local dashboard and read-only JSON API over the store (runs, calls, spend over time, checkpoints, circuits, dead letters); live while runs go on')
    .option('--port <n>', 'the port to listen on, 0 for any free one (default 4848)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1; any other prints a warning)')
    .option('--db <path>', 'SQLite store (default .wflo/wflo.db, or $WFLO_DB)')
    .option('--open', 'open the dashboard in a browser (xdg-open), when there is one')
    .action(async (flags: UiFlags) => {
      const { uiCommand } = await import('./ui.js');
      setCode(await uiCommand(flags, ctx));
    });

  cli.command('prices')
    .description('show what wflo charges for a model, and the output ceiling it assumes when a call sets no max tokens')
    .argument('<model>', 'model id, e.g. gpt-4o-mini')
    .addOption(new Option('--provider <provider>', 'provider of the model').choices(['openai', 'anthropic']))
    .option('--json', 'print JSON')
    .action(async (model: string, flags: PricesFlags) => {
      const { pricesCommand } = await import('./prices.js');
      setCode(await pricesCommand(model, flags, ctx));
    });
  return cli;
}

/**
 * Runs the CLI and returns the exit code. The one place where errors become exit codes;
 * the caller (bin/wflo.js) is the one place that exits.
 */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program(ctx, (c) => { code = c; }).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; commander has already printed its message otherwise.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof WfloError) {
      ctx.stderr.write(`wflo: ${err.message}\n`);
      return err.exitCode;
    }
    ctx.stderr.write(`wflo: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (ctx.env.GITHUB_ACTIONS === 'true') ctx.stdout.write(`::error title=wflo: internal error::${escapeCommandData(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT.internal;
  }
}
