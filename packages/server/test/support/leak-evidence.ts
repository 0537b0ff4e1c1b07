import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Evidence for the suite-wide secret scan (test/leak-scan.global.ts): when RFE_TEST_EVIDENCE_DIR is set,
 * every test app writes its logs, every API response body and, at close, its database file there.
 */
export function evidenceDir(): string | undefined {
  return process.env.RFE_TEST_EVIDENCE_DIR || undefined;
}

export function recordResponses(app: FastifyInstance, file: string): void {
  app.addHook('onSend', async (_request, _reply, payload) => {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) fs.appendFileSync(file, `${payload}\n`);
    return payload;
  });
}

export function keepEvidence(dataDir: string): void {
  const dir = evidenceDir();
  if (!dir) return;
  for (const name of ['rfe.db', 'rfe.db-wal']) {
    const file = path.join(dataDir, name);
    if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, `${path.basename(dataDir)}.${name}`));
  }
}
