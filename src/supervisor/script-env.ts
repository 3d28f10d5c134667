import type { RetryOptions } from '../guards/retry-policy.js';
import { fileURLToPath } from 'node:url';
import { ENV } from '../protocol/messages.js';

/** The built preload bundle (CommonJS, so `--require` also reaches worker threads). */
export function preloadPath(): string {
  return fileURLToPath(new URL('../preload.cjs', import.meta.url));
}

function quoted(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export interface ScriptEnvOptions {
  base: NodeJS.ProcessEnv;
  socketPath: string;
  /** Where the hooks write their call logs; undefined: beside the socket. */
  logDir: string | undefined;
  runId: string;
  typescript: boolean;
  journal: boolean;
  budgeted: boolean;
  /** wflo's retry policy, for the hook. */
  retry: RetryOptions;
  /** false with --no-guards. */
  guards: boolean;
  /** Base URLs of the simulated provider, when simulating. */
  simulated: { openaiBaseUrl: string; anthropicBaseUrl: string } | null;
}

/**
 * The environment of the script and, through NODE_OPTIONS, of every Node process it starts:
 * they all load the hook and report to this run's supervisor.
 */
export function scriptEnv(o: ScriptEnvOptions): NodeJS.ProcessEnv {
  const options = [`--require ${quoted(preloadPath())}`];
  if (o.typescript) options.push(`--import ${quoted(import.meta.resolve('tsx'))}`);
  const existing = o.base.NODE_OPTIONS?.trim();
  const env: NodeJS.ProcessEnv = {
    ...o.base,
    NODE_OPTIONS: [existing, ...options].filter(Boolean).join(' '),
    [ENV.socket]: o.socketPath,
    [ENV.runId]: o.runId,
    ...(o.logDir ? { [ENV.logDir]: o.logDir } : {}),
    [ENV.journal]: o.journal ? '1' : '0',
    [ENV.budgeted]: o.budgeted ? '1' : '0',
    [ENV.retry]: JSON.stringify(o.retry),
    [ENV.guards]: o.guards ? '1' : '0',
  };
  if (o.simulated) {
    // Simulated runs never see real keys: nothing can reach a real provider by mistake.
    env.OPENAI_BASE_URL = o.simulated.openaiBaseUrl;
    env.ANTHROPIC_BASE_URL = o.simulated.anthropicBaseUrl;
    env.OPENAI_API_KEY = 'sk-wflo-simulated';
    env.ANTHROPIC_API_KEY = 'sk-ant-wflo-simulated';
  }
  return env;
}
