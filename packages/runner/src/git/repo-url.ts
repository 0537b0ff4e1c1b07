/**
 * `owner/name` from a clone URL: http(s)://host/owner/name(.git), ssh://…/owner/name.git,
 * git@host:owner/name.git or file:///…/owner/name.git. Undefined when the URL has no two path segments.
 */
export function repoFullNameFromUrl(url: string): string | undefined {
  const scp = /^[^/@:]+@[^/:]+:(.+)$/.exec(url);
  let path: string;
  if (scp) path = scp[1];
  else {
    try {
      path = new URL(url).pathname;
    } catch {
      path = url;
    }
  }
  const parts = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) return undefined;
  return `${parts.at(-2)}/${parts.at(-1)}`;
}

/** A URL without user info, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}
