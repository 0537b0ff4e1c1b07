import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const dir = path.resolve(import.meta.dirname, '../../docs/screenshots');

/** Saves docs/screenshots/{name}.png (overwritten on every run; linked from the README). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // Let fonts, transitions and pending renders settle so the picture is what a person sees.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  await page.screenshot({
    path: path.join(dir, `${name}.png`),
    fullPage: options.fullPage ?? true,
    animations: 'disabled',
  });
}
