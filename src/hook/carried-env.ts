import { ENV } from '../protocol/messages.js';

type Env = Record<string, string | undefined>;

/**
 * wflo's variables as this process received them. They are put back into the environment of
 * every Node child and worker thread, whatever the caller set there: a child that blanks
 * WFLO_SOCKET or clears NODE_OPTIONS would otherwise run without the hook (and the budget).
 */
export class CarriedEnv {
  private readonly vars: ReadonlyArray<readonly [string, string]>;
  private readonly nodeOptions: string | undefined;

  /** @param preloadPath the preload bundle: a NODE_OPTIONS that names it still loads the hook. */
  constructor(env: Env, private readonly preloadPath: string) {
    this.vars = Object.values(ENV)
      .map((name): readonly [string, string | undefined] => [name, env[name]])
      .filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== '');
    this.nodeOptions = env.NODE_OPTIONS;
  }

  /** NODE_OPTIONS for a child whose caller set `current`: theirs, with this process's appended when it lacks the hook. */
  private nodeOptionsFor(current: string | undefined): string | undefined {
    if (!this.nodeOptions) return current;
    if (current?.includes(this.preloadPath)) return current;
    return current?.trim() ? `${current} ${this.nodeOptions}` : this.nodeOptions;
  }

  /** A copy of `env` with wflo's variables imposed. */
  applyTo(env: Env): Env {
    const out: Env = { ...env };
    for (const [name, value] of this.vars) out[name] = value;
    const nodeOptions = this.nodeOptionsFor(env.NODE_OPTIONS);
    if (nodeOptions !== undefined) out.NODE_OPTIONS = nodeOptions;
    return out;
  }

  /** Imposes wflo's variables on a spawn's final `NAME=value` list, in place. */
  applyToPairs(pairs: string[]): void {
    const set = (name: string, value: string): void => {
      const at = pairs.findIndex((pair) => pair.startsWith(`${name}=`));
      if (at === -1) pairs.push(`${name}=${value}`);
      else pairs[at] = `${name}=${value}`;
    };
    for (const [name, value] of this.vars) set(name, value);
    const current = pairs.find((pair) => pair.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length);
    const nodeOptions = this.nodeOptionsFor(current);
    if (nodeOptions !== undefined) set('NODE_OPTIONS', nodeOptions);
  }
}
