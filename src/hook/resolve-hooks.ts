/**
 * Module hooks (run in Node's loader thread): `import 'wflo'` works in any script under
 * `wflo run`, even when the script's project does not depend on wflo. A wflo the project
 * installed itself still wins.
 */
interface ResolveContext { parentURL?: string; conditions: string[] }
interface Resolved { url: string; shortCircuit?: boolean; format?: string | null }
type NextResolve = (specifier: string, context: ResolveContext) => Promise<Resolved>;

let targets: Record<string, string> = {};

export function initialize(data: { targets: Record<string, string> }): void {
  targets = data.targets;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<Resolved> {
  const target = Object.hasOwn(targets, specifier) ? targets[specifier] : undefined;
  if (target === undefined) return next(specifier, context);
  try {
    return await next(specifier, context);
  } catch {
    return { url: target, shortCircuit: true, format: 'module' };
  }
}
