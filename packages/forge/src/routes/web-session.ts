import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import type { AccountRecord } from '../state/model.ts';
import { findAccount } from '../state/queries.ts';

/**
 * The forge's stand-in for "signed in on github.com": `?login=alice` (remembered in a cookie) or a page
 * listing the users to pick from. Development and test use only: there are no passwords.
 */
export const LOGIN_COOKIE = 'forge_login';

export function cookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function page(reply: FastifyReply, title: string, bodyHtml: string, status = 200) {
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${bodyHtml}</body></html>`,
    );
}

/** The signed-in user for this browser request, or null after answering with the user picker. */
export function signedInUser(
  ctx: ForgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  purpose: string,
): AccountRecord | null {
  const url = new URL(req.url, 'http://forge.invalid');
  const requested = url.searchParams.get('login') ?? cookie(req, LOGIN_COOKIE);
  const user = requested ? findAccount(ctx.store.read, requested) : null;
  if (user && user.type === 'User') {
    reply.header(
      'set-cookie',
      `${LOGIN_COOKIE}=${encodeURIComponent(user.login)}; Path=/; HttpOnly; SameSite=Lax`,
    );
    return user;
  }
  const users = Object.values(ctx.store.read.accounts).filter((a) => a.type === 'User');
  const items = users
    .map((u) => {
      url.searchParams.set('login', u.login);
      return `<li><a href="${escapeHtml(url.pathname + url.search)}">${escapeHtml(u.login)}</a></li>`;
    })
    .join('');
  page(
    reply,
    'Sign in to the forge',
    `<p>Choose who you are to ${escapeHtml(purpose)}.</p><ul>${items}</ul>`,
  );
  return null;
}

export { escapeHtml };
