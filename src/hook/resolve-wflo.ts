import Module, { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The SDK's entry points, relative to dist/ (where the preload bundle lives). */
const ENTRIES: Record<string, string> = {
  wflo: 'sdk/index.js',
  'wflo/langgraph': 'langgraph/index.js',
};

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

/**
 * Lets scripts import 'wflo' without installing it: ESM through a resolve hook, CommonJS
 * through the resolver. Only when normal resolution fails, so a project's own wflo wins.
 */
export function resolveWfloForScripts(distDir: string): void {
  const targets = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, pathToFileURL(path.join(distDir, file)).href]));
  register(pathToFileURL(path.join(distDir, 'hook', 'resolve-hooks.js')).href, { data: { targets } });
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function resolveFilename(request: string, ...rest: unknown[]): string {
    try {
      return original.call(this, request, ...rest);
    } catch (err) {
      // Own properties only: a module named "constructor" must not find Object's.
      const file = Object.hasOwn(ENTRIES, request) ? ENTRIES[request] : undefined;
      if (file === undefined) throw err;
      return path.join(distDir, file);
    }
  };
}
