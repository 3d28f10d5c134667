import Module, { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mayImportWflo } from './wflo-imports.js';

/** The SDK's entry points, relative to dist/ (where the preload bundle lives). */
const ENTRIES: Record<string, string> = {
  wflo: 'sdk/index.js',
  'wflo/langgraph': 'langgraph/index.js',
};

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
interface ResolveContext { conditions?: readonly string[] }
interface Resolved { url: string; format?: string | null; shortCircuit?: boolean }
type NextResolve = (specifier: string, context?: ResolveContext) => Resolved;
type RegisterHooks = (hooks: { resolve: (specifier: string, context: ResolveContext, next: NextResolve) => Resolved }) => unknown;

/** The synchronous resolve hook: only `import` of wflo's own names, only when the project has none (require goes through the resolver below). */
function resolveWflo(targets: Record<string, string>, specifier: string, context: ResolveContext, next: NextResolve): Resolved {
  const target = Object.hasOwn(targets, specifier) && context.conditions?.includes('import') ? targets[specifier] : undefined;
  if (target === undefined) return next(specifier, context);
  try {
    return next(specifier, context);
  } catch {
    return { url: target, shortCircuit: true, format: 'module' };
  }
}

/** Whether the script's project resolves wflo itself (installed, or the script is inside wflo's own package). */
function projectHasWflo(entry: string): boolean {
  try {
    createRequire(entry).resolve('wflo');
    return true;
  } catch {
    return false;
  }
}

/**
 * Lets scripts import 'wflo' without installing it: ESM through a resolve hook, CommonJS
 * through the resolver. Only when normal resolution fails, so a project's own wflo wins.
 */
export function resolveWfloForScripts(distDir: string, entry: string | undefined): void {
  const targets = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, pathToFileURL(join(distDir, file)).href]));
  // Node 22.15+ resolves in this thread, synchronously; older Nodes start a loader thread, ~35 ms
  // per process: only started when the script's own files may import wflo and its project has none.
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks) registerHooks({ resolve: (specifier, context, next) => resolveWflo(targets, specifier, context, next) });
  else if (entry === undefined || (mayImportWflo(entry) && !projectHasWflo(entry))) register(pathToFileURL(join(distDir, 'hook', 'resolve-hooks.js')).href, { data: { targets } });
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function resolveFilename(request: string, ...rest: unknown[]): string {
    try {
      return original.call(this, request, ...rest);
    } catch (err) {
      // Own properties only: a module named "constructor" must not find Object's.
      const file = Object.hasOwn(ENTRIES, request) ? ENTRIES[request] : undefined;
      if (file === undefined) throw err;
      return join(distDir, file);
    }
  };
}
