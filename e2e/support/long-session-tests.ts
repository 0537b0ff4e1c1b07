import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FinishedSession } from './api.ts';
import { newPage, signIn } from './browser.ts';
import type { E2ePlatform } from './platform.ts';

/**
 * The session view on a long log: windowed rows, the last page first, older pages on demand. Registered
 * by a test file that already runs a platform (the session runs while that file's other tests do).
 */
export function longSessionTests(
  setup: () => { platform: E2ePlatform; browser: Browser; session: Promise<FinishedSession> },
) {
  describe('a long session in the browser', () => {
    let page: Page;
    let session: FinishedSession;

    beforeAll(async () => {
      const { platform, browser, session: running } = setup();
      session = await running;
      page = (await newPage(browser, platform.url)).page;
      await signIn(page, 'Alice Admin');
    });

    it('opens on the last page of the log and renders only the rows near the viewport', async () => {
      expect(session.lastSeq).toBeGreaterThan(200);
      await page.goto(`/projects/${session.project}/sessions/${session.sessionId}`);
      const stream = page.getByRole('region', { name: 'Messages' });
      await stream.getByText('200 loaded').waitFor();
      await stream.getByText('Result', { exact: true }).waitFor();
      await expect.poll(() => stream.locator('[data-seq]').count()).toBeGreaterThan(5);
      expect(await stream.locator('[data-seq]').count()).toBeLessThan(80);
    });

    it('loads older history page by page, keeping every message once', async () => {
      const stream = page.getByRole('region', { name: 'Messages' });
      const log = stream.getByRole('log', { name: 'Session messages' });
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
  });
}
