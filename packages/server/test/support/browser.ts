/**
 * A small browser for tests: real HTTP with fetch, redirects followed one hop at a time (redirect: 'manual'),
 * a cookie jar shared across ports of one host (as browsers do), HTML forms submitted, and every response
 * recorded so leak tests can scan what a user could have seen.
 */
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | null;
}

export class Browser {
  readonly history: Page[] = [];
  private cookies: StoredCookie[] = [];

  /** One request; cookies sent and stored, no redirect followed. */
  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Page> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(target, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) this.store(target, line);
    const page: Page = { url: target.href, status: res.status, headers: res.headers, body: await res.text() };
    this.history.push(page);
    return page;
  }

  /** Requests `url` and follows redirects until a page that is not one (or `stopAt` matches the next URL). */
  async visit(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    opts: { stopAt?: (next: URL) => boolean; maxHops?: number } = {},
  ): Promise<Page> {
    let page = await this.request(url, init);
    for (let hop = 0; hop < (opts.maxHops ?? 20); hop++) {
      const location = page.headers.get('location');
      if (page.status < 300 || page.status >= 400 || !location) return page;
      const next = new URL(location, page.url);
      if (opts.stopAt?.(next)) return page;
      // 303 (and 301/302 after POST, as browsers do) turn into GET; 307/308 keep the method and body.
      const keep = page.status === 307 || page.status === 308;
      page = await this.request(next.href, keep ? init : { headers: init.headers });
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Fills and submits the first form of a page (hidden inputs kept, `fields` filled in). */
  async submitForm(
    page: Page,
    fields: Record<string, string>,
    opts: { stopAt?: (next: URL) => boolean } = {},
  ): Promise<Page> {
    const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page.body);
    if (!form) throw new Error(`no form on ${page.url}: ${page.body.slice(0, 300)}`);
    const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag)?.[1];
    const action = new URL(unescapeHtml(attr(form[1]!, 'action') ?? page.url), page.url);
    const data = new URLSearchParams();
    for (const input of form[2]!.match(/<(input|button)\b[^>]*>/gi) ?? []) {
      const name = attr(input, 'name');
      if (name && !(name in fields)) data.set(name, unescapeHtml(attr(input, 'value') ?? ''));
    }
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    const method = (attr(form[1]!, 'method') ?? 'get').toUpperCase();
    if (method === 'GET') {
      for (const [k, v] of data) action.searchParams.set(k, v);
      return this.visit(action.href, {}, opts);
    }
    return this.visit(
      action.href,
      { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: data.toString() },
      opts,
    );
  }

  cookie(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expiresAt === null || c.expiresAt > now);
    return this.cookies
      .filter(
        (c) =>
          c.host === url.hostname &&
          (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, line: string): void {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let expiresAt: number | null = null;
    for (const a of attrs) {
      const [k, v = ''] = a.split('=');
      const key = k!.toLowerCase();
      if (key === 'path') path = v || '/';
      if (key === 'max-age') expiresAt = Date.now() + Number(v) * 1000;
      if (key === 'expires' && expiresAt === null) expiresAt = Date.parse(v);
    }
    this.cookies = this.cookies.filter(
      (c) => !(c.name === name && c.host === url.hostname && c.path === path),
    );
    if (expiresAt === null || expiresAt > Date.now())
      this.cookies.push({ name, value, host: url.hostname, path, expiresAt });
  }
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
