import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mayImportWflo } from '../../src/hook/wflo-imports.js';

let dir = '';

/** Writes the files of a small project; returns the path of its first file (the entry). */
function project(files: Record<string, string>): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-imports-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, Object.keys(files)[0] ?? '');
}

afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('mayImportWflo (whether a Node 20 script needs the loader thread that resolves wflo)', () => {
  it('no: a script importing only packages and builtins', () => {
    expect(mayImportWflo(project({ 'agent.mjs': "import OpenAI from 'openai';\nimport fs from 'node:fs';\nconst x = require('path');\n" }))).toBe(false);
  });

  it('no: local files followed through a cycle, .js written for .ts, a directory index, a JSON import', () => {
    expect(mayImportWflo(project({
      'main.ts': "import { a } from './lib/a.js';\nimport data from './data.json' with { type: 'json' };\n",
      'lib/a.ts': "export { b } from './b';\nimport './util';\n",
      'lib/b.mts': "import { a } from './a.js';\nexport const b = 1;\n",
      'lib/util/index.ts': "export const wfloName = 'wflo';\n",
      'data.json': '{"import": "wflo"}',
    }))).toBe(false);
  });

  it('yes: wflo imported by the entry, statically or dynamically, or required', () => {
    expect(mayImportWflo(project({ 'a.mjs': "import { checkpoint } from 'wflo';\n" }))).toBe(true);
    expect(mayImportWflo(project({ 'a.mjs': "const { agent } = await import('wflo');\n" }))).toBe(true);
    expect(mayImportWflo(project({ 'a.cjs': "const { WfloSaver } = require(\"wflo/langgraph\");\n" }))).toBe(true);
  });

  it('yes: wflo imported three files away', () => {
    expect(mayImportWflo(project({
      'agent.ts': "import { run } from './steps/run.js';\n",
      'steps/run.ts': "export * from '../shared/index.js';\n",
      'shared/index.ts': "export { agent } from 'wflo';\n",
    }))).toBe(true);
  });

  it('yes, to be safe: an import the scan cannot follow (computed, templated, subpath imports, an unreadable entry)', () => {
    expect(mayImportWflo(project({ 'a.mjs': 'const m = await import(process.env.PLUGIN);\n' }))).toBe(true);
    expect(mayImportWflo(project({ 'a.mjs': 'const m = await import(`./plugins/${name}.js`);\n' }))).toBe(true);
    expect(mayImportWflo(project({ 'a.mjs': "import { x } from '#internal/x';\n" }))).toBe(true);
    expect(mayImportWflo(path.join(os.tmpdir(), 'no-such-dir-wflo', 'a.mjs'))).toBe(true);
  });
});
