import { basename, dirname, join } from 'node:path';
import type { openAiInputTokensBound } from './token-bound.js';

export { hasKnownEncoding } from './token-encoding.js';

type TokenBound = typeof openAiInputTokensBound;
interface TokenBoundModule { openAiInputTokensBound: TokenBound }

/** The bundle's file next to dist/preload.cjs. */
const BUNDLE = 'token-bound.cjs';
let loaded: TokenBound | null | undefined;

/** Where the bundle may be: next to this code (dist/, bundled), or dist/ when the sources run (tests). */
function candidates(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : null;
  if (!here) return [];
  const fromSources = basename(here) === 'hook' && basename(dirname(here)) === 'src';
  return fromSources ? [join(here, '..', '..', 'dist', BUNDLE)] : [join(here, BUNDLE)];
}

/**
 * The exact input bound (dist/token-bound.cjs), required on first use and cached: its tokenizer
 * tables are megabytes no script pays for unless a call needs an exact count. Null when it cannot
 * be loaded (then the byte bound stays).
 */
export function loadTokenBound(): TokenBound | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  for (const file of candidates()) {
    try {
      // A path built at run time: esbuild leaves this require to Node instead of bundling the tokenizer.
      loaded = (require(file) as TokenBoundModule).openAiInputTokensBound;
      break;
    } catch { /* not there: the next place, else the byte bound */ }
  }
  return loaded;
}
