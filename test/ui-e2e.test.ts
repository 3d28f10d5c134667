import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { addCalls } from './helpers/many-calls.mjs';
import { makeUiStore, startUi, type UiProcess, type UiStore } from './helpers/ui.js';
import { FIXTURES, providerEnv, ROOT, tempDir, wflo } from './helpers/wflo.js';

/** Where the screenshots go, for a reviewer to look at. */
const OUT = path.join(ROOT, 'test-output', 'ui');
const CHROMIUM = '/usr/bin/chromium';

let provider: FakeProvider;
let store: UiStore;
let ui: UiProcess;
let browser: Browser;

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (err) => { throw err; });
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, name), fullPage: true });
}

beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
  store = await makeUiStore(provider);
  ui = await startUi(['--db', store.db]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await provider?.close();
});

describe('wflo ui in a real browser', () => {
  it('runs page → run page (chart, calls table) → checkpoints page (a checkpoint\'s JSON)', async () => {
    const page = await newPage();
    await page.goto(ui.url);
    const runs = page.getByTestId('runs-table').locator('tbody tr');
    await expect.poll(() => runs.count()).toBe(5);
    expect(await runs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')))).toEqual([store.circuit, store.fitted, store.agents, store.loop, store.steps]);
    await expect.poll(() => page.locator('.live-on').count()).toBe(1);
    await shot(page, 'runs.png');

    // Filters live in the URL: status failed leaves the one failed run.
    await page.getByLabel('filter by status').selectOption('failed');
    await expect.poll(() => runs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')))).toEqual([store.fitted]);
    expect(page.url()).toContain('status=failed');
    await page.getByLabel('filter by status').selectOption('');
    await expect.poll(() => runs.count()).toBe(5);

    await page.locator(`[data-run="${store.steps}"] a`).first().click();
    await page.waitForURL(`**/runs/${store.steps}`);
    const chart = page.getByTestId('spend-chart').locator('canvas');
    await expect.poll(() => chart.count()).toBe(1);
    expect(await chart.evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(300);
    const rows = page.getByTestId('calls-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(9);
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => {
      const td = [...tr.querySelectorAll('td')].map((d) => d.textContent ?? '');
      return [td[0], td[3], td[5], td[6], td[8]];
    }));
    expect(cells).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((seq) => [String(seq), 'gpt-4o-mini', seq === 5 ? '0 / 0 / 0' : '100 / 0 / 10', seq === 5 ? '$0.00' : '$0.000021', seq === 5 ? 'replayed' : 'ok']));
    // By model and by agent bars, and the spend: 8 billed calls × $0.000021.
    expect(await page.locator('.bars-row').first().textContent()).toContain('openai/gpt-4o-mini$0.0001688 calls');
    expect(await page.locator('.stat').first().textContent()).toContain('$0.000168 / $1.00');
    expect(await page.locator('.legend').textContent()).toContain('checkpoint 8');
    // $0.000168 of $1.00: the axis is the spend's, and the budget is stated, off the scale.
    expect(await page.getByTestId('budget-note').textContent()).toBe('budget $1.00, off the scale: $0.000168 spent is 0.02% of it');
    expect(await page.locator('.u-legend').textContent()).toBe('Time--spent—budget$1.00, off the scale');
    await shot(page, 'run.png');

    // Sorting is the server's: by cost, dearest first, ties in call order.
    await page.getByRole('button', { name: 'cost' }).click();
    await expect.poll(() => rows.first().getAttribute('data-seq')).toBe('9');
    expect(await rows.last().getAttribute('data-seq')).toBe('5');

    await page.getByRole('link', { name: 'view' }).click();
    await page.waitForURL(`**/runs/${store.steps}/checkpoints`);
    const items = page.getByTestId('checkpoint-timeline').locator('li.timeline-item');
    await expect.poll(() => items.count()).toBe(8);
    expect(await items.evaluateAll((lis) => lis.map((li) => li.querySelector('.badge')?.textContent))).toEqual(
      ['active', 'active', 'superseded', 'superseded', 'superseded', 'active', 'active', 'head']);
    await items.nth(1).locator('button.timeline-head').click();
    const state = page.getByTestId('checkpoint-state');
    await expect.poll(() => state.locator('.json-tree').count()).toBe(1);
    expect(await state.locator('.json-tree').textContent()).toContain('step: 2');
    const id = await items.nth(1).getAttribute('data-checkpoint');
    expect(await state.locator('.command-text').allTextContents()).toEqual([`wflo rollback ${id} --db ${store.db}`, `wflo resume ${store.steps} --db ${store.db}`]);
    // The state object and its answers array are open; the answers are shown.
    expect(await state.locator('details.json-node[open]').count()).toBe(2);
    expect(await state.locator('.json-string').count()).toBe(2);
    await shot(page, 'checkpoints.png');
    await page.close();
  });

  it('circuits and dead letters pages', async () => {
    const page = await newPage();
    await page.goto(new URL('/circuits', ui.url).href);
    const circuits = page.getByTestId('circuits-table').locator('tbody tr');
    await expect.poll(() => circuits.count()).toBe(1);
    expect(await circuits.first().textContent()).toContain('openai:gpt-4o-mini');
    expect(await circuits.first().locator('.badge').textContent()).toBe('open');
    await shot(page, 'circuits.png');
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const letters = page.getByTestId('dlq-table').locator('tbody tr');
    await expect.poll(() => letters.count()).toBe(2);
    await shot(page, 'dlq.png');
    await page.goto(new URL(`/runs/${store.loop}`, ui.url).href);
    await expect.poll(() => page.getByTestId('tools-table').locator('tbody tr').count()).toBe(1);
    const tool = await page.getByTestId('tools-table').locator('tbody tr td').allTextContents();
    // search: asked for 6 times by the model, run 6 times through tool(), all succeeded.
    expect(tool.slice(0, 6)).toEqual(['search', '6', '6', '6', '0', '100%']);
    expect(await page.locator('.events').textContent()).toContain('loop detected');
    await shot(page, 'run-loop.png');
    await page.close();
  });

  it('the runs page updates live as a run writes to the store', async () => {
    const page = await newPage();
    await page.goto(ui.url);
    const runs = page.getByTestId('runs-table').locator('tbody tr');
    await expect.poll(() => page.locator('.live-on').count()).toBe(1);
    const before = await runs.count();
    const result = await wflo(['run', '--db', store.db, path.join(FIXTURES, 'call.mjs'), '--', 'anthropic'], { cwd: store.dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    await expect.poll(() => runs.count(), { timeout: 10_000 }).toBe(before + 1);
    await page.close();
  });

  it('a run of 50,000 calls: the run page paints its calls table from one page of calls', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const result = await wflo(['run', '--db', db, path.join(FIXTURES, 'call.mjs'), '--', 'chat'], { cwd: dir, env: providerEnv(provider) });
    const runId = /run (run-[0-9a-f]{8})/.exec(result.stderr)?.[1] ?? '';
    addCalls(db, runId, 49_999);
    const big = await startUi(['--db', db]);
    try {
      const page = await newPage();
      const started = Date.now();
      await page.goto(new URL(`/runs/${runId}`, big.url).href);
      await page.getByTestId('calls-table').locator('tbody tr').nth(49).waitFor();
      const tableMs = Date.now() - started;
      await page.getByTestId('spend-chart').locator('canvas').waitFor();
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
      expect(await page.locator('.pager').first().textContent()).toContain('50,000 in all');
      expect(await page.getByTestId('calls-table').locator('tbody tr').count()).toBe(50);
      // No budget: nothing is off the scale; 515 refusals and 811 fitted calls are counted in the legend (and drawn as a rug).
      expect(await page.getByTestId('budget-note').count()).toBe(0);
      expect(await page.locator('.legend').textContent()).toBe('refusal 515fitted to budget 811stop 1');
      // Timings are reported, not asserted: this machine is shared and noisy.
      const figures = { calls: 50_000, firstContentfulPaintMs: fcp === null ? null : Math.round(fcp), callsTableVisibleMs: tableMs };
      fs.writeFileSync(path.join(OUT, 'first-paint-50k.json'), `${JSON.stringify(figures, null, 2)}\n`);
      console.log(`wflo ui, run of 50,000 calls: first contentful paint ${figures.firstContentfulPaintMs} ms, calls table visible ${tableMs} ms`);
      await shot(page, 'run-50k.png');
      await page.close();
    } finally {
      await big.stop();
    }
  });
});
