import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { type AppContext, createContext } from '../../src/context.ts';
import { createApiToken, findUserBySubject } from '../../src/db/users.ts';
import { createLogger } from '../../src/observability/logger.ts';
import {
  contractViolations,
  type OpenApiDoc,
  recordResponses as recordForContract,
  writeCoverage,
} from './contract.ts';
import { type DatabaseKind, openTestDatabase } from './databases.ts';
import { evidenceDir, keepEvidence, recordResponses } from './leak-evidence.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  dataDir: string;
  /** Authorization headers for a seeded dev user. */
  as(user: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/**
 * The real application on a temp data directory: SQLite + directory store unless overridden;
 * `database: 'postgres'` gives it a fresh PostgreSQL database, dropped on close.
 *
 * Every response it sends is recorded, and `close()` fails (after cleaning up) when one of them does not
 * match the app's own OpenAPI document: a route or status the document does not list, or a body that does
 * not match its schema. So every suite built on this harness is also a contract test of what it exercised.
 */
export async function startTestApp(
  overrides: Partial<Config> = {},
  env: Record<string, string> = {},
  opts: { logger?: Logger; database?: DatabaseKind } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-test-'));
  const database = await openTestDatabase(opts.database ?? 'sqlite');
  const databaseUrl = database.databaseUrl ? { databaseUrl: database.databaseUrl } : {};
  const config = loadConfig(
    { LOG_LEVEL: 'silent', ...env },
    { dataDir, port: 0, ...databaseUrl, ...overrides },
  );
  const evidence = evidenceDir();
  const logFile = evidence ? path.join(evidence, `${path.basename(dataDir)}.log`) : undefined;
  const ctx = await createContext(config, {
    logger:
      opts.logger ??
      (logFile
        ? // Everything the platform logs goes to the evidence directory, scanned for tokens after the suite.
          createLogger('debug', fs.createWriteStream(logFile))
        : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')),
  });
  const app = await buildApp(ctx);
  const responses = recordForContract(app);
  if (evidence) recordResponses(app, path.join(evidence, `${path.basename(dataDir)}.responses`));
  await app.ready();
  const tokens = new Map<string, string>();
  return {
    app,
    ctx,
    dataDir,
    async as(user) {
      let token = tokens.get(user);
      if (!token) {
        const u = await findUserBySubject(ctx.db, user);
        if (!u) throw new Error(`no seeded user ${user}`);
        token = (await createApiToken(ctx.db, u.id, 'test')).token;
        tokens.set(user, token);
      }
      return { authorization: `Bearer ${token}` };
    },
    async close() {
      const violations = contractViolations(app.swagger() as unknown as OpenApiDoc, responses);
      writeCoverage(responses, path.basename(dataDir));
      await app.close();
      // Runners outlive their server by design; a test's runners end with the test.
      await (ctx.sessions.launcher as { stopAll?: (graceMs?: number) => Promise<void> }).stopAll?.(1000);
      await ctx.close();
      await database.drop();
      keepEvidence(dataDir);
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (violations.length)
        throw new Error(
          `Responses that do not match the OpenAPI document (fix the route's schema or its answer):\n  ${violations.join('\n  ')}`,
        );
    },
  };
}
