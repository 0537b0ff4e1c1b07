import type { PrLinksTable } from '../db/schema.ts';
import type { SkippedSubmodule } from './resolve-targets.ts';

const MARKER = '<!-- rfe-workbench:components -->';

/**
 * The umbrella PR's body: the runner's text, then links to each component PR, then a remediation checklist
 * for submodules the session skipped. Regenerated whenever a component PR appears.
 */
export function umbrellaBody(
  base: string,
  componentPrs: PrLinksTable[],
  skipped: SkippedSubmodule[],
): string {
  const intro = base.split(MARKER)[0]!.trimEnd();
  const lines = [intro, '', MARKER];
  if (componentPrs.length) {
    lines.push('', '## Component pull requests', '');
    for (const pr of componentPrs) lines.push(`- ${pr.repo}#${pr.number}: ${pr.url}`);
  }
  // The runner lists what it skipped in its own text; add only what it did not mention.
  skipped = skipped.filter((s) => !intro.includes(s.path));
  if (skipped.length) {
    lines.push(
      '',
      '## Skipped submodules',
      '',
      'This session could not read these optional submodules, so it did not change them:',
      '',
    );
    for (const s of skipped) {
      lines.push(
        `- [ ] \`${s.path}\` (${s.repo}): ${s.reason}. Ask an owner of ${s.repo} for read access, link GitHub again, and re-run the session to include it.`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
