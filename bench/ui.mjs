// `wflo ui` over a run of 50,000 calls: how soon the run page paints, in headless Chromium.
// A real `wflo run` makes the store, 49,999 more calls are inserted into it with its own schema
// (test/helpers/many-calls.mjs), then `wflo ui` serves it and the run page is opened ROUNDS times
// in fresh pages: first contentful paint, the calls table's 50 rows visible, the chart drawn, as
// Playwright sees them (it polls) and as the page itself notes them (the target is judged on these).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeProvider } from '../dist/simulator/server.js';
import { addCalls } from '../test/helpers/many-calls.mjs';
import { median } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'wflo.js');
const CALLS = 50_000;
const ROUNDS = 7;
const TARGET_MS = 1000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-ui-'));
const db = path.join(dir, 'wflo.db');
const provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
let ui;
let browser;
try {
  const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench-key-123' };
  const run = spawn(process.execPath, [BIN, 'run', '--db', db, path.join(ROOT, 'test', 'fixtures', 'call.mjs'), '--', 'chat'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  run.stderr.on('data', (c) => { stderr += c; });
  await new Promise((resolve) => run.on('exit', resolve));
  const runId = /run (run-[0-9a-f]{8})/.exec(stderr)?.[1];
  if (!runId) throw new Error(`the run failed: ${stderr}`);
  const t0 = performance.now();
  addCalls(db, runId, CALLS - 1);
  const insertMs = performance.now() - t0;

  ui = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    ui.stdout.on('data', (c) => { out += c; const m = /wflo ui: (http:\/\/\S+)/.exec(out); if (m) resolve(m[1]); });
    ui.on('exit', (code) => reject(new Error(`wflo ui exited ${code}`)));
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    // The page notes when the 50th row and the chart appear, on its own clock (from navigation):
    // Playwright's waitFor polls, at last every 500 ms or so, so what it sees can lag by that much.
    await page.addInitScript(() => {
      const seen = {};
      globalThis.__wfloSeen = seen;
      new MutationObserver(() => {
        seen.table ??= document.querySelectorAll('[data-testid=calls-table] tbody tr').length >= 50 ? performance.now() : undefined;
        seen.chart ??= document.querySelector('[data-testid=spend-chart] canvas') ? performance.now() : undefined;
        seen.bars ??= document.querySelector('.bars-row') ? performance.now() : undefined;
      }).observe(document, { childList: true, subtree: true });
    });
    const started = performance.now();
    await page.goto(`${url}runs/${runId}`, { waitUntil: 'commit' });
    await page.locator('[data-testid=calls-table] tbody tr').nth(49).waitFor();
    const tableMs = performance.now() - started;
    await page.locator('[data-testid=spend-chart] canvas').waitFor();
    await page.locator('.bars-row').first().waitFor();
    const allMs = performance.now() - started;
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    const seen = await page.evaluate(() => globalThis.__wfloSeen);
    rounds.push({ fcp, tableMs, allMs, inPage: { table: seen.table, all: Math.max(seen.table, seen.chart, seen.bars) } });
    await page.close();
  }
  // The first round pays for a cold store and a cold browser: it is shown, not counted.
  const warm = rounds.slice(1);
  const ms = (v) => `${Math.round(v)} ms`;
  console.log(`wflo ui bench: a run of ${CALLS.toLocaleString('en-US')} calls (inserted in ${ms(insertMs)}), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
  console.log(`  as Playwright sees it (polls):\n  cold round:      first contentful paint ${ms(rounds[0].fcp)}, calls table ${ms(rounds[0].tableMs)}, whole page ${ms(rounds[0].allMs)}`);
  console.log(`  median of ${warm.length} warm: first contentful paint ${ms(median(warm.map((r) => r.fcp)))}, calls table ${ms(median(warm.map((r) => r.tableMs)))}, whole page ${ms(median(warm.map((r) => r.allMs)))}`);
  console.log(`  in the page (its clock, from navigation; median of ${warm.length} warm): calls table ${ms(median(warm.map((r) => r.inPage.table)))}, whole page ${ms(median(warm.map((r) => r.inPage.all)))}`);
  const table = median(warm.map((r) => r.inPage.table));
  console.log(`  target: the calls table within ${TARGET_MS} ms: ${table <= TARGET_MS ? 'met' : 'MISSED'}`);
} finally {
  await browser?.close();
  ui?.kill('SIGTERM');
  await provider.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
