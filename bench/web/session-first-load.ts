/**
 * First load of the session page on a long log: a finished localexec session whose log holds MESSAGES
 * messages (default 10,000: one command per three messages, written by the real runner through the real
 * API), opened LOADS times (default 7) in a fresh browser context each time (headless Debian Chromium, cold
 * cache, signed in). Per load, from navigation start:
 *   - first row: the first message row is in the DOM;
 *   - tail: the log is scrolled to its bottom with the session's last row (its Result) in view.
 * With ALL (default on), then: every older page loaded by pressing "Load older" until the whole log is in,
 * and a jump to the top of the log until its first row is drawn.
 * The platform runs in this process as `rfe up` wires it (SQLite, directory store, bundled forge) and serves
 * whatever packages/web/dist holds, rebuilt first when older than its sources.
 * Run: node --import tsx bench/web/session-first-load.ts   (MESSAGES=10000 LOADS=7 WIDTH=1280 ALL=1)
 */
import os from 'node:os';
import path from 'node:path';
import { callApi } from '../../e2e/support/api.ts';
import { launchBrowser, newPage, signIn } from '../../e2e/support/browser.ts';
import { startE2ePlatform } from '../../e2e/support/platform.ts';
import { fmt, loadAverage, machine } from '../messaging/support/stats.ts';

const MESSAGES = Number(process.env.MESSAGES ?? 10_000);
const LOADS = Number(process.env.LOADS ?? 7);
const WIDTH = Number(process.env.WIDTH ?? 1280);
const ALL = process.env.ALL !== '0';

/**
 * Watches every animation frame from the document's start; times are ms since navigation start. A string,
 * not a function: tsx would wrap a function's inner names in a helper the page does not have.
 */
const watchScript = `(() => {
  const tick = () => {
    const log = document.querySelector('[role="log"][aria-label="Session messages"]');
    if (log && window.__firstRow === undefined && log.querySelector('[data-seq]'))
      window.__firstRow = performance.now();
    if (log && window.__tail === undefined) {
      const result = [...log.querySelectorAll('[data-seq]')].find((row) => row.textContent.includes('Result'));
      if (result) {
        const box = log.getBoundingClientRect();
        const r = result.getBoundingClientRect();
        const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight <= 1;
        if (atBottom && r.bottom > box.top && r.top < box.bottom) window.__tail = performance.now();
      }
    }
    if (window.__tail === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/** Watches for the log's first row to be drawn in view; the time since the call in `window.__top`. */
const watchTopScript = (firstRowSeq: number) => `(() => {
  const started = performance.now();
  const log = document.querySelector('[role="log"][aria-label="Session messages"]');
  const tick = () => {
    const row = log.querySelector('[data-seq="${firstRowSeq}"]');
    const box = log.getBoundingClientRect();
    const r = row?.getBoundingClientRect();
    if (r && r.bottom > box.top && r.top < box.bottom) window.__top = performance.now() - started;
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

/**
 * Then the whole history: "Load older" pressed until all `lastSeq` messages are loaded (each press once the
 * previous page is in).
 */
const loadAllScript = (lastSeq: number) => `(async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const loaded = () => document.body.textContent.includes('${lastSeq} loaded');
  const button = () => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Load older');
  const started = performance.now();
  const check = (what) => {
    if (performance.now() - started > 60000)
      throw new Error(what + ' within 60 s; the header says: ' + document.querySelector('[aria-labelledby="stream-title"]').textContent.slice(0, 200));
  };
  while (!loaded()) {
    check('not all ${lastSeq} messages loaded');
    const b = button();
    if (b && !b.disabled && b.getAttribute('aria-busy') !== 'true') b.click();
    await frame();
  }
  return performance.now() - started;
})()`;

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const platform = await startE2ePlatform();
const browser = await launchBrowser();
try {
  const api = <T>(method: string, path: string, body?: unknown) =>
    callApi<T>(platform, 'alice', method, path, body);

  // Seed: one session whose runner writes ≥ MESSAGES messages (command start, output, end per command).
  const seedStarted = performance.now();
  await platform.link('alice');
  await api('POST', '/api/projects', { name: 'bench', storage: { kind: 'managed' } });
  await api('POST', '/api/projects/bench/workspaces', { name: 'long', upstream: 'acme/umbrella' });
  const commands = Math.ceil(MESSAGES / 3);
  const prompt = Array.from({ length: commands }, (_, i) => `echo line-${i + 1}`).join('\n');
  const { id } = await api<{ id: string }>('POST', '/api/projects/bench/workspaces/long/sessions', {
    adapter: 'localexec',
    prompt,
    createFork: true,
  });
  for (;;) {
    const { status } = await api<{ status: string }>('GET', `/api/projects/bench/sessions/${id}`);
    if (status !== 'queued' && status !== 'running') {
      if (status !== 'succeeded') {
        const { error } = await api<{ error: string }>('GET', `/api/projects/bench/sessions/${id}`);
        throw new Error(`the seeding session ended ${status}: ${error}`);
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const { lastSeq } = await api<{ lastSeq: number }>(
    'GET',
    `/api/projects/bench/sessions/${id}/messages?limit=1`,
  );
  if (lastSeq < MESSAGES) throw new Error(`the session's log holds ${lastSeq} messages, wanted ${MESSAGES}`);
  // The log's first row: its first message that is not a heartbeat or a status update.
  const head = await api<{ items: { seq: number; type: string }[] }>(
    'GET',
    `/api/projects/bench/sessions/${id}/messages?after=0&limit=20`,
  );
  const firstRowSeq = head.items.find((m) => m.type !== 'heartbeat' && m.type !== 'status')!.seq;
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  // One signed-in state, reused by every load's fresh context (so each load is a cold cache, no sign-in).
  const first = await newPage(browser, platform.url);
  await signIn(first.page, 'Alice Admin');
  const storageState = await first.context.storageState();
  await first.context.close();

  const url = `${platform.url}/projects/bench/sessions/${id}`;
  const firstRow: number[] = [];
  const tail: number[] = [];
  const rowsInDom: number[] = [];
  const allHistory: number[] = [];
  const toTop: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({
      baseURL: platform.url,
      viewport: { width: WIDTH, height: 860 },
      reducedMotion: 'reduce',
      storageState,
    });
    await context.addInitScript(watchScript);
    const page = await context.newPage();
    await page.goto(url);
    await page
      .waitForFunction(() => (window as unknown as { __tail?: number }).__tail !== undefined, null, {
        timeout: Number(process.env.TIMEOUT ?? 60_000),
      })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: path.join(os.tmpdir(), 'session-first-load-timeout.png') });
        throw error;
      });
    const { f, t } = await page.evaluate(() => {
      const w = window as unknown as { __firstRow: number; __tail: number };
      return { f: w.__firstRow, t: w.__tail };
    });
    firstRow.push(f);
    tail.push(t);
    rowsInDom.push(await page.locator('[role="log"] [data-seq]').count());
    if (ALL) {
      allHistory.push((await page.evaluate(loadAllScript(lastSeq))) as number);
      // To the top as a person would: the mouse wheel over the log, rolled up far.
      const log = page.getByRole('log', { name: 'Session messages' });
      await log.hover();
      await page.evaluate(watchTopScript(firstRowSeq));
      for (let n = 0; n < 50; n++) {
        await page.mouse.wheel(0, -1_000_000);
        if (await page.evaluate(() => (window as unknown as { __top?: number }).__top !== undefined)) break;
        await page.waitForTimeout(20);
      }
      await page.waitForFunction(() => (window as unknown as { __top?: number }).__top !== undefined, null, {
        timeout: Number(process.env.TIMEOUT ?? 60_000),
      });
      toTop.push(await page.evaluate(() => (window as unknown as { __top: number }).__top));
    }
    await context.close();
  }

  console.log(`machine: ${machine()}; load average (1 min) at the end: ${loadAverage()}`);
  console.log(`seeded ${lastSeq} messages in ${fmt(seedSeconds)} s; ${LOADS} loads at ${WIDTH} px`);
  console.log(
    `first row: median ${fmt(median(firstRow), 0)} ms  (${firstRow.map((x) => fmt(x, 0)).join(', ')})`,
  );
  console.log(`tail shown: median ${fmt(median(tail), 0)} ms  (${tail.map((x) => fmt(x, 0)).join(', ')})`);
  console.log(`rows in the DOM at the tail: ${rowsInDom.join(', ')}`);
  if (ALL) {
    console.log(
      `all history loaded: median ${fmt(median(allHistory), 0)} ms  (${allHistory.map((x) => fmt(x, 0)).join(', ')})`,
    );
    console.log(
      `jump to the top drawn: median ${fmt(median(toTop), 0)} ms  (${toTop.map((x) => fmt(x, 0)).join(', ')})`,
    );
  }
} finally {
  await browser.close();
  await platform.close();
}
