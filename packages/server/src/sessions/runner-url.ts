import type { AppContext } from '../context.ts';

/** The backend URL runners connect to: PUBLIC_URL, or the address the server actually listens on. */
export function runnerBackendUrl(ctx: AppContext): string {
  const base = ctx.config.publicUrl ?? ctx.listenUrl;
  if (!base) throw new Error('The server is not listening yet, so runners have no URL to connect to.');
  return base.replace(/^http/, 'ws').replace(/\/$/, '');
}
