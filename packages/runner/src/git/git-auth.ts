import type { GitCredential } from '../credentials-file.ts';

/**
 * Gives git the token for each URL it is about to contact, through configuration in the environment
 * (GIT_CONFIG_COUNT/KEY/VALUE, inherited by the git processes a submodule update starts), as an
 * `http.<url>.extraHeader` scoped to that repository URL. Nothing is written to .git/config, remote
 * URLs stay clean, and no token appears on a command line.
 */
export class GitAuth {
  readonly #credentials: readonly GitCredential[];

  constructor(credentials: readonly GitCredential[]) {
    this.#credentials = credentials;
  }

  /** The credential whose URL prefix matches `url` most specifically. */
  credentialFor(url: string): GitCredential | undefined {
    const target = normalise(url);
    if (!target) return undefined;
    let best: GitCredential | undefined;
    let bestLength = -1;
    for (const credential of this.#credentials) {
      const prefix = normalise(credential.url);
      if (!prefix || !covers(prefix, target)) continue;
      const length = prefix.length;
      if (length > bestLength) {
        best = credential;
        bestLength = length;
      }
    }
    return best;
  }

  /** Configuration entries (key, value) giving git the Authorization header for each of `urls`. */
  configFor(urls: readonly string[]): [string, string][] {
    const entries: [string, string][] = [];
    for (const url of new Set(urls)) {
      const credential = this.credentialFor(url);
      if (!credential || !/^https?:/.test(url)) continue;
      const basic = Buffer.from(`${credential.username}:${credential.token}`).toString('base64');
      entries.push([`http.${url}.extraHeader`, `Authorization: Basic ${basic}`]);
    }
    return entries;
  }
}

interface NormalisedUrl {
  origin: string;
  segments: string[];
  length: number;
}

function normalise(url: string): NormalisedUrl | undefined {
  try {
    const parsed = new URL(url);
    const segments = parsed.pathname
      .split('/')
      .filter(Boolean)
      .map((s, i, all) => (i === all.length - 1 ? s.replace(/\.git$/, '') : s));
    const origin = `${parsed.protocol}//${parsed.host}`.toLowerCase();
    return { origin, segments, length: origin.length + segments.join('/').length };
  } catch {
    return undefined;
  }
}

/** Prefix match on whole path segments: `https://h/alice` covers `https://h/alice/api.git`, not `…/alicex`. */
function covers(prefix: NormalisedUrl, target: NormalisedUrl): boolean {
  if (prefix.origin !== target.origin || prefix.segments.length > target.segments.length) return false;
  return prefix.segments.every((segment, i) => segment === target.segments[i]);
}
