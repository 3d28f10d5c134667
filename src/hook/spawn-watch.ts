import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Notify } from './notices.js';

/** Programs that are Node (or start Node with the environment they were given). */
const NODE_PROGRAMS = new Set(['node', 'nodejs', 'npm', 'npx', 'pnpm', 'yarn', 'tsx', 'ts-node', 'wflo', 'corepack']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash']);
/** Shell words that drop or blank wflo's variables for what follows them. */
const CLEARS_ENV = /(?:^|\s)env\s+(?:-\S*i\S*|--ignore-environment)\b|-u\s*(?:NODE_OPTIONS|WFLO_\w+)\b|--unset[= ](?:NODE_OPTIONS|WFLO_\w+)\b|(?:^|\s)(?:NODE_OPTIONS|WFLO_\w+)=|unset\s+(?:NODE_OPTIONS|WFLO_)/;

function onPath(file: string): string | null {
  if (file.includes('/')) return file;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, file);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Node itself, a known Node tool, or a script whose `#!` line runs node (npx, a CLI installed by npm). */
function isNodeProgram(file: string): boolean {
  if (file === process.execPath || NODE_PROGRAMS.has(basename(file))) return true;
  const resolved = onPath(file);
  if (!resolved) return false;
  try {
    const fd = openSync(resolved, 'r');
    try {
      const head = Buffer.alloc(128);
      const read = readSync(fd, head, 0, head.length, 0);
      const line = head.subarray(0, read).toString('latin1').split('\n', 1)[0] ?? '';
      return line.startsWith('#!') && /\bnode(?:js)?\b/.test(line);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The program a shell command line starts first: after variable assignments and `env` with its options. */
function firstProgram(command: string): string | null {
  const words = command.trim().split(/\s+/);
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? '';
    if (/^\w+=/.test(word) || word === 'exec') { i++; continue; }
    if (basename(word) === 'env') {
      i++;
      while (i < words.length && ((words[i] ?? '').startsWith('-') || /^\w+=/.test(words[i] ?? ''))) i++;
      continue;
    }
    return word.replace(/^['"]|['"]$/g, '') || null;
  }
  return null;
}

function shown(file: string, args: readonly string[]): string {
  const line = [file, ...args].join(' ');
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

/**
 * Looks at a program a supervised process starts. wflo meters Node processes only (the hook
 * rides in NODE_OPTIONS); a program that is not Node, or a command line that clears wflo's
 * variables before starting one, can reach a provider unseen: the run is told, naming it.
 * `args` are the arguments after the program name.
 */
export function watchSpawn(file: string, args: readonly string[], notify: Notify, budgeted: boolean): void {
  try {
    const name = basename(file);
    const commandAt = SHELLS.has(name) ? args.findIndex((arg) => /^-\w*c\w*$/.test(arg)) : -1;
    const command = commandAt === -1 ? null : args[commandAt + 1] ?? null;
    const line = command ?? `${name} ${args.join(' ')}`;
    if (CLEARS_ENV.test(line)) {
      notify('unreachable-child', `started \`${shown(file, args)}\`, which clears wflo's variables for the program it runs: wflo cannot meter that program's LLM calls`);
      return;
    }
    if (!budgeted) return;
    const program = command !== null ? firstProgram(command) : file;
    if (program && !isNodeProgram(program)) {
      notify('non-node-child', `started \`${shown(file, args)}\`: ${basename(program)} is not a Node program, so wflo cannot meter (or hold to the budget) any LLM call it makes`);
    }
  } catch { /* a warning is never worth breaking the spawn */ }
}
