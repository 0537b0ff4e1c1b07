import type { FastifyReply, FastifyRequest } from 'fastify';
import { gitText } from '../git/run.ts';

/** GitHub's alternative media types for commits, compare and pull requests (`Accept: application/vnd.github.diff`). */
export type Media = 'diff' | 'patch' | 'sha';

export function requestedMedia(req: FastifyRequest, allowed: Media[]): Media | null {
  const accept = String(req.headers.accept ?? '');
  const m = /application\/vnd\.github(?:\.v3)?\.(diff|patch|sha)\b/.exec(accept);
  const media = m?.[1] as Media | undefined;
  return media && allowed.includes(media) ? media : null;
}

/** Sends `text` the way GitHub answers such a request (its content type and media-type header). */
export function sendMedia(reply: FastifyReply, media: Media, text: string): string {
  reply
    .type(`application/vnd.github.${media}; charset=utf-8`)
    .header('x-github-media-type', `github.v3; param=${media}; format=${media}`);
  return text;
}

/** `git diff` between two commits, as GitHub's `.diff`. */
export const unifiedDiff = (gitDir: string, from: string, to: string): Promise<string> =>
  gitText(gitDir, ['diff', '--no-color', '--no-ext-diff', '--full-index', from, to]).then(withNewline);

/** `git format-patch` of the commits in from..to (oldest first), as GitHub's `.patch`. */
export const formatPatch = (gitDir: string, from: string | null, to: string): Promise<string> =>
  gitText(gitDir, [
    'format-patch',
    '--stdout',
    '--no-color',
    '--full-index',
    ...(from ? [`${from}..${to}`] : ['-1', '--root', to]),
  ]).then(withNewline);

const withNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
