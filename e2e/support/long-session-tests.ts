import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinishedSession } from './api.ts';
import { newPage, signIn } from './browser.ts';
import type { E2ePlatform } from './platform.ts';

/**
 * The session view on a long log: windowed rows, the last page first, older pages on demand, the row being
 * read kept in place. Registered by a test file that already runs a platform (the session runs while that
 * file's other tests do). Each test opens the session page itself, so any one runs alone.
 */
export function longSessionTests(
  setup: () => { platform: E2ePlatform; browser: Browser; session: Promise<FinishedSession> },
) {
  describe('a long session in the browser', () => {
    let platform: E2ePlatform;
    let browser: Browser;
    let session: FinishedSession;
    let page: Page;

    beforeAll(async () => {
      const given = setup();
      ({ platform, browser } = given);
      session = await given.session;
      page = (await newPage(browser, platform.url)).page;
      await signIn(page, 'Alice Admin');
    });

    afterAll(async () => {
      await page?.context().close();
    });

    /** The session page, opened on the last page of its log with the Result in view. */
    async function openSession(on: Page = page) {
      await on.goto(`/projects/${session.project}/sessions/${session.sessionId}`);
      const stream = on.getByRole('region', { name: 'Messages' });
      const log = stream.getByRole('log', { name: 'Session messages' });
      await stream.getByText('200 loaded').waitFor();
      await stream.getByText('Result', { exact: true }).waitFor();
      return { stream, log };
    }

    const distanceFromEnd = (log: ReturnType<Page['locator']>) =>
      log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

    it('opens on the last page of the log and renders only the rows near the viewport', async () => {
      expect(session.lastSeq).toBeGreaterThan(200);
      const { stream, log } = await openSession();
      await expect.poll(() => distanceFromEnd(log)).toBeLessThanOrEqual(1);
      await expect.poll(() => stream.locator('[data-seq]').count()).toBeGreaterThan(5);
      expect(await stream.locator('[data-seq]').count()).toBeLessThan(80);
    });

    it('keeps the row being read in place while older history is added above it', async () => {
      const { stream, log } = await openSession();
      // The reader scrolls up from the tail to somewhere in the middle of the page.
      await log.evaluate((el) => {
        el.scrollTop = Math.floor((el.scrollHeight - el.clientHeight) / 2);
      });
      await page.waitForTimeout(300);
      const where = (seq?: string) =>
        log.evaluate((el, wanted) => {
          const top = el.getBoundingClientRect().top;
          const rows = [...el.querySelectorAll<HTMLElement>('[data-seq]')];
          const row = wanted
            ? rows.find((r) => r.dataset.seq === wanted)
            : rows.find((r) => r.getBoundingClientRect().top >= top);
          return row ? { seq: row.dataset.seq!, offset: row.getBoundingClientRect().top - top } : undefined;
        }, seq);
      const before = (await where())!;
      expect(before).toBeDefined();

      await stream.getByRole('button', { name: 'Load older' }).click();
      await stream.getByText(`${Math.min(400, session.lastSeq)} loaded`).waitFor();
      await page.waitForTimeout(300);
      const after = await where(before.seq);
      expect(after, `row ${before.seq} is still drawn`).toBeDefined();
      expect(Math.abs(after!.offset - before.offset)).toBeLessThanOrEqual(2);
      expect(await distanceFromEnd(log)).toBeGreaterThan(48);
    });

    it('loads older history page by page, keeping every message once', async () => {
      const { stream, log } = await openSession();
      while (await stream.getByRole('button', { name: 'Load older' }).isVisible()) {
        await stream.getByRole('button', { name: 'Load older' }).click();
        await page.waitForTimeout(100);
      }
      await stream.getByText(`${session.lastSeq} loaded`).waitFor();

      // At the very top are the runner's first messages, each exactly once and in order.
      await log.evaluate((el) => {
        el.scrollTop = 0;
      });
      await log.getByText(/Runner .* started with/).waitFor();
      const seqs = await log
        .locator('[data-seq]')
        .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    });

    it('at 400 px the log opens at its end and nothing scrolls sideways', async () => {
      const { page: narrow, context } = await newPage(browser, platform.url, { width: 400, height: 860 });
      try {
        await signIn(narrow, 'Alice Admin');
        const { log } = await openSession(narrow);
        await expect.poll(() => distanceFromEnd(log)).toBeLessThanOrEqual(1);
        const overflow = await narrow.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
      } finally {
        await context.close();
      }
    });
  });
}
