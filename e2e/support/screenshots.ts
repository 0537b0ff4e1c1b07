import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Where the browser tests write their pictures: a build folder (gitignored), so a test run never dirties
 * the tracked tree. `scripts/copy-screenshots.sh` copies them to docs/screenshots/ (linked from the README).
 */
export const screenshotDir = path.resolve(import.meta.dirname, '../../build/screenshots');

/** Saves build/screenshots/{name}.png (overwritten on every run). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  // Let fonts, transitions and pending renders settle so the picture is what a person sees.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: options.fullPage ?? true,
    animations: 'disabled',
  });
}
