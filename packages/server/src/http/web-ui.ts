import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:web` writes the UI. */
export const defaultWebDist = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../web/dist');

// Paths that belong to the API and platform endpoints: unknown ones stay JSON 404s, never the SPA page.
const reserved = /^\/(api(\/|$)|healthz$|readyz$|metrics$|openapi\.json$)/;

// The UI needs nothing but its own origin (the session stream is a same-origin WebSocket).
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const missingBuildPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RFE Workbench</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>RFE Workbench</h1>
<p>The API is running, but the web UI has not been built yet.</p>
<p>Run <code>npm run build:web</code> and reload this page.</p>
</body></html>`;

/**
 * Serves the built single-page UI: files from `dist`, and `index.html` for every other GET outside the
 * API so client-side routes survive a reload. Registered after the API routes.
 */
export async function installWebUi(app: FastifyInstance, distDir: string = defaultWebDist): Promise<void> {
  const root = path.resolve(distDir);
  const built = fs.existsSync(path.join(root, 'index.html'));
  await app.register(async (scope) => {
    if (built) await scope.register(fastifyStatic, { root, serve: false });
    const route = { config: { access: 'public' as const }, schema: { hide: true } };
    const handler = (request: FastifyRequest, reply: FastifyReply) => serve(root, built, request, reply);
    scope.get('/', route, handler);
    scope.get('/*', route, handler);
  });
}

function serve(root: string, built: boolean, request: FastifyRequest, reply: FastifyReply) {
  const pathname = request.url.split('?')[0] ?? '/';
  if (reserved.test(pathname)) return reply.callNotFound();
  if (!built)
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(missingBuildPage);

  const file = fileInside(root, pathname);
  if (file) {
    // Vite fingerprints everything under assets/, so those never change under one name.
    const immutable = pathname.startsWith('/assets/');
    return reply.sendFile(file, immutable ? { maxAge: '365d', immutable: true } : { cacheControl: false });
  }
  if (pathname.startsWith('/assets/')) return reply.callNotFound();
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', contentSecurityPolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .sendFile('index.html', { cacheControl: false });
}

/** The file under `root` that `pathname` names, relative to root, or undefined (missing, a folder, outside). */
function fileInside(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded === '/' || decoded === '/index.html') return undefined;
  const full = path.resolve(root, `.${decoded}`);
  if (!full.startsWith(root + path.sep)) return undefined;
  try {
    return fs.statSync(full).isFile() ? path.relative(root, full) : undefined;
  } catch {
    return undefined;
  }
}
