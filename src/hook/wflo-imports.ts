import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The scan gives up (and says "maybe") past this many files or bytes: a big project pays ~35 ms, never a failed import. */
const MAX_FILES = 300;
const MAX_BYTES = 4_000_000;

/** Module specifiers in source text: static and dynamic imports, re-exports, require. Comments may add a few: harmless. */
const SPECIFIER = /(?:\bfrom|\bimport|\brequire|\bimport\s*\(|\brequire\s*\()\s*(['"`])([^'"`\n]+)\1/g;
/** An import() or require() of something that is not a plain string: the scan cannot follow it. */
const COMPUTED = /\b(?:import|require)\s*\(\s*(?!['"`)])/;

const EXTENSIONS = ['', '.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];
/** Files worth reading for imports (a JSON or text file imports nothing). */
const CODE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** The file a relative specifier names, trying what Node and TypeScript would (x.js written for x.ts, directories' index files). */
function localFile(from: string, specifier: string): string | null {
  const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(dirname(from), specifier);
  const stem = target.replace(/\.(?:[cm]?js|jsx)$/, '');
  const candidates = [...EXTENSIONS.map((ext) => target + ext), ...EXTENSIONS.slice(1).map((ext) => stem + ext),
    ...EXTENSIONS.slice(1).map((ext) => join(target, `index${ext}`))];
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch { /* not this one */ }
  }
  return null;
}

function isWflo(specifier: string): boolean {
  return specifier === 'wflo' || specifier.startsWith('wflo/');
}

function isLocal(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
}

/**
 * Whether a script may `import 'wflo'` from one of its own files (following relative imports
 * from the entry). False only when the scan is sure: every import was a plain string, none
 * was 'wflo', and nothing reached through a subpath import ('#x') went unread. Packages are not
 * followed: one that uses wflo depends on it and resolves it itself.
 */
export function mayImportWflo(entry: string): boolean {
  const queue = [resolve(entry)];
  const seen = new Set(queue);
  let bytes = 0;
  while (queue.length > 0) {
    const file = queue.shift() as string;
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      return true;
    }
    bytes += source.length;
    if (seen.size > MAX_FILES || bytes > MAX_BYTES || COMPUTED.test(source)) return true;
    for (const match of source.matchAll(SPECIFIER)) {
      const specifier = match[2] ?? '';
      if (isWflo(specifier) || specifier.startsWith('#') || specifier.includes('${')) return true;
      if (!isLocal(specifier)) continue;
      const next = localFile(file, specifier);
      if (next !== null && CODE.test(next) && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}
