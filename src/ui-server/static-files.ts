import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

/** Where `npm run build` puts the dashboard: dist/ui-web, beside the directory of this module (dist/ui-server or dist/app). */
export function webRoot(): string {
  return fileURLToPath(new URL('../ui-web/', import.meta.url));
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
};

/** The file under `root` a URL path names, or undefined when there is none (or the path tries to leave root). */
function fileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath); } catch { return undefined; }
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!file.startsWith(root)) return undefined;
  try { return fs.statSync(file).isFile() ? file : undefined; } catch { return undefined; }
}

/**
 * Serves the built dashboard: its files, and index.html for every other path (the pages route
 * in the browser: /runs/<id> is a page, not a file). Hashed assets are cached for good.
 */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, head: boolean): void {
  const file = fileFor(root, urlPath) ?? fileFor(root, 'index.html');
  if (file === undefined) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(head ? undefined : `the dashboard is not built (no ${path.join(root, 'index.html')}): run \`npm run build\`; the API under /api works without it\n`);
    return;
  }
  const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-length': fs.statSync(file).size,
  });
  if (head) { res.end(); return; }
  fs.createReadStream(file).pipe(res);
}
