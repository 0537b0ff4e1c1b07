import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';

const API_PREFIX = '/api/v3';

function intParam(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return null;
  return Number(value);
}

export function pageParams(req: FastifyRequest): { perPage: number; page: number } {
  const q = req.query as Record<string, unknown>;
  const perPage = Math.min(100, Math.max(1, intParam(q.per_page) ?? 30));
  const page = Math.max(1, intParam(q.page) ?? 1);
  return { perPage, page };
}

/** Slices `items` by `per_page`/`page` and sets GitHub's `Link` header (absolute URLs, rel prev/next/last/first). */
export function paginate<T>(ctx: ForgeContext, req: FastifyRequest, reply: FastifyReply, items: T[]): T[] {
  const { perPage, page } = pageParams(req);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const url = new URL(req.url, 'http://forge.invalid');
  const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
  const link = (p: number, rel: string) => {
    const params = new URLSearchParams(url.searchParams);
    params.set('page', String(p));
    if (!params.has('per_page') && perPage !== 30) params.set('per_page', String(perPage));
    return `<${ctx.urls.api}${path}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  if (links.length > 0) reply.header('link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}
