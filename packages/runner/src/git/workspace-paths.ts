import { dirname } from 'node:path';

/**
 * Text that leaves the runner (messages, PR bodies) shows work directories relative to the workspace:
 * `<root>/repos/web` becomes `repos/web`, the root itself `.`, and the run directory around it is
 * dropped, so no filesystem path of the machine the runner ran on is published.
 */
export function relativeToWorkspace(text: string, root: string): string {
  const base = root.replace(/\/+$/, '');
  return text
    .split(`${base}/`)
    .join('')
    .split(base)
    .join('.')
    .split(`${dirname(base)}/`)
    .join('');
}
