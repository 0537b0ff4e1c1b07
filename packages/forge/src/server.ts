import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { issueToken } from './auth/tokens.ts';
import { BackgroundWork, type ForgeContext, KeyedLock } from './context.ts';
import { writeHooks } from './git/hooks.ts';
import { installApiHooks } from './http/api-plugin.ts';
import { DOCS, ForgeError } from './http/errors.ts';
import { cancelPendingForks, finishInterruptedForks } from './operations/fork-repo.ts';
import { appRoutes } from './routes/apps.ts';
import { branchRoutes } from './routes/branches.ts';
import { commitRoutes } from './routes/commits.ts';
import { contentRoutes } from './routes/contents.ts';
import { gitObjectRoutes } from './routes/git-objects.ts';
import { gitRefRoutes } from './routes/git-refs.ts';
import { graphqlRoutes } from './routes/graphql.ts';
import { installRoutes } from './routes/install.ts';
import { metaRoutes } from './routes/meta.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { pullRoutes } from './routes/pulls.ts';
import { repoRoutes } from './routes/repos.ts';
import { userRoutes } from './routes/users.ts';
import { webRoutes } from './routes/web.ts';
import { applySeed, registerApp } from './seed/apply-seed.ts';
import { findAccount } from './state/queries.ts';
import { MetadataStore, writeFileAtomic } from './state/store.ts';
import { DEFAULT_DELAYS, type ForgeOptions, type StartedForge } from './types.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';

function buildApp(ctx: ForgeContext, ready: Promise<void>): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 100 * 1024 * 1024,
    routerOptions: { maxParamLength: 4096 },
    forceCloseConnections: 'idle',
  });
  app.addHook('onRequest', async () => {
    await ready;
  });
  app.setErrorHandler((err: FastifyError | ForgeError, _req, reply) => {
    if (err instanceof ForgeError) {
      reply.code(err.status).headers(err.headers).send(err.body());
      return;
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) console.error('[forge] request failed', err);
    const message =
      status >= 500
        ? 'Server Error'
        : err.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
          ? 'Problems parsing JSON'
          : err.message;
    reply.code(status).send({ message, documentation_url: DOCS, status: String(status) });
  });
  app.register(
    async (api) => {
      metaRoutes(api, ctx, installApiHooks(api, ctx));
      for (const routes of [
        userRoutes,
        repoRoutes,
        branchRoutes,
        gitRefRoutes,
        gitObjectRoutes,
        commitRoutes,
        contentRoutes,
        pullRoutes,
        appRoutes,
      ]) {
        routes(api, ctx);
      }
    },
    { prefix: '/api/v3' },
  );
  app.register(async (web) => {
    await web.register(formbody);
    oauthRoutes(web, ctx);
    installRoutes(web, ctx);
  });
  app.register(async (gql) => {
    gql.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, String(body).trim() ? JSON.parse(String(body)) : undefined);
      } catch {
        done(new ForgeError(400, 'Problems parsing JSON'), undefined);
      }
    });
    graphqlRoutes(gql, ctx);
  });
  app.register(async (web) => webRoutes(web, ctx));
  return app;
}

/** Starts the forge: loads (or seeds) the data directory, serves REST, OAuth pages and git smart HTTP. */
export async function startForge(opts: ForgeOptions): Promise<StartedForge> {
  const reposDir = join(opts.dataDir, 'repos');
  const hooksDir = join(opts.dataDir, 'hooks');
  await mkdir(reposDir, { recursive: true });
  await writeHooks(hooksDir);
  const { store, created } = MetadataStore.open(opts.dataDir);
  let now = opts.now ?? Date.now;
  const ctx: ForgeContext = {
    dataDir: opts.dataDir,
    reposDir,
    hooksDir,
    store,
    now: () => now(),
    urls: { web: '', api: '' },
    faults: { ...(opts.faults ?? {}) },
    webhooks: new WebhookDispatcher(opts.webhooks ?? []),
    stats: { requests: 0, countedRequests: 0, byRoute: {} },
    locks: new KeyedLock(),
    background: new BackgroundWork(),
    delays: { ...DEFAULT_DELAYS, ...(opts.delays ?? {}) },
    mergeability: new Map(),
  };
  let markReady!: () => void;
  const ready = new Promise<void>((r) => {
    markReady = r;
  });
  const app = buildApp(ctx, ready);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const web = (opts.publicUrl ?? `http://${host}:${port}`).replace(/\/$/, '');
  ctx.urls = { web, api: `${web}/api/v3` };
  try {
    if (created && opts.seed !== false) await applySeed(ctx, opts.seed ?? 'default');
    if (!store.read.app) registerApp(ctx, { slug: 'rfe-workbench', name: 'RFE Workbench' });
    await finishInterruptedForks(ctx);
    store.flush();
    writeFileAtomic(join(opts.dataDir, 'app-private-key.pem'), store.read.app!.privateKeyPem, 0o600);
  } catch (err) {
    await app.close();
    throw err;
  }
  markReady();
  const ghApp = () => store.read.app!;
  return {
    url: web,
    apiUrl: ctx.urls.api,
    listenUrl: `http://${host}:${port}`,
    get app() {
      const a = ghApp();
      return {
        id: a.id,
        slug: a.slug,
        clientId: a.clientId,
        clientSecret: a.clientSecret,
        privateKeyPem: a.privateKeyPem,
        webhookSecret: a.webhookSecret,
      };
    },
    setWebhooks: (hooks) => ctx.webhooks.setTargets(hooks),
    setFaults: (f) => {
      ctx.faults = { ...(f ?? {}) };
    },
    setNow: (fn) => {
      now = fn;
    },
    configureApp: (settings) =>
      store.mutate((state) => {
        if (settings.setupUrl !== undefined) state.app!.setupUrl = settings.setupUrl;
        if (settings.callbackUrls !== undefined) state.app!.callbackUrls = [...settings.callbackUrls];
      }),
    userToken: async (login) => {
      const account = findAccount(store.read, login);
      if (account?.type !== 'User') throw new Error(`forge: no user ${login}`);
      return store.mutate((state) =>
        issueToken(state, { kind: 'pat', login: account.login, expiresAt: null, createdAt: ctx.now() }),
      );
    },
    stats: () => ({
      requests: ctx.stats.requests,
      countedRequests: ctx.stats.countedRequests,
      byRoute: { ...ctx.stats.byRoute },
    }),
    close: async () => {
      await app.close();
      cancelPendingForks(ctx);
      await ctx.background.drain();
      await ctx.webhooks.close();
    },
  };
}
