import { BadRequestError } from '../errors.ts';

export interface RepoRef {
  owner: string;
  repo: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9_.-]{1,100}$/;

export const fullName = (r: RepoRef): string => `${r.owner}/${r.repo}`;

/**
 * Parses `owner/repo` or a URL of a repository on the configured Git host. Any other host is refused:
 * upstream and component repositories are allow-listed to the one host the platform is configured for.
 */
export function parseRepoRef(
  input: string | RepoRef,
  allowed: { host: string; webUrl: string },
  field: string,
): RepoRef {
  if (typeof input !== 'string') return checkNames(input, field);
  const text = input.trim();
  if (/^[^/:\s]+\/[^/:\s]+$/.test(text)) {
    const [owner, repo] = text.split('/') as [string, string];
    return checkNames({ owner, repo: repo.replace(/\.git$/, '') }, field);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadRequestError(`${field}: "${text}" is neither owner/repo nor a URL.`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadRequestError(`${field}: only http(s) URLs are accepted, not ${url.protocol}`, { field });
  }
  if (url.host !== allowed.host) {
    throw new BadRequestError(
      `${field}: ${url.host} is not the configured Git host; repositories must be on ${allowed.webUrl}.`,
      { field, allowedHost: allowed.host },
    );
  }
  if (url.username || url.password) {
    throw new BadRequestError(`${field}: URLs must not carry credentials.`, { field });
  }
  const parts = url.pathname.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length !== 2)
    throw new BadRequestError(`${field}: expected a repository URL like ${allowed.webUrl}/owner/repo.`, {
      field,
    });
  return checkNames({ owner: parts[0]!, repo: parts[1]!.replace(/\.git$/, '') }, field);
}

function checkNames(ref: RepoRef, field: string): RepoRef {
  if (!OWNER.test(ref.owner))
    throw new BadRequestError(`${field}: "${ref.owner}" is not a valid owner name.`, { field });
  if (!REPO.test(ref.repo) || ref.repo === '.' || ref.repo === '..') {
    throw new BadRequestError(`${field}: "${ref.repo}" is not a valid repository name.`, { field });
  }
  return { owner: ref.owner, repo: ref.repo };
}

/** `repos/{name}` paths and similar: relative, no traversal, no empty segments. */
export function safeRepoPath(path: string, field = 'path'): string {
  const p = path.replace(/^\/+|\/+$/g, '');
  if (p === '') return '';
  const segments = p.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
    throw new BadRequestError(
      `${field}: "${path}" is not a safe repository path (no "..", empty or "." segments).`,
      { field },
    );
  }
  return p;
}

export const slugify = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
