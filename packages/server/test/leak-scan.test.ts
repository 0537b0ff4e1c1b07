import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanEvidence } from './leak-scan.global.ts';

describe('the suite-wide secret scan', () => {
  it('finds a planted installation token, user token and runner token, and passes clean evidence', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-scan-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'clean.log'),
        '{"msg":"minted a token for alice/api","expiresAt":"2026-11-25T10:00:00Z"}\n',
      );
      expect(scanEvidence(dir)).toEqual([]);
      fs.writeFileSync(path.join(dir, 'a.log'), `token ghs_${'a1B2'.repeat(9)} here`);
      fs.writeFileSync(path.join(dir, 'b.responses'), `{"t":"ghu_${'Z9y8'.repeat(9)}"}`);
      fs.writeFileSync(
        path.join(dir, 'c.rfe.db'),
        Buffer.concat([
          Buffer.from([0, 1]),
          Buffer.from(`rfr_${'x'.repeat(30)}.1795586521000.${'y'.repeat(43)}`),
        ]),
      );
      expect(
        scanEvidence(dir)
          .map((f) => f.split(':')[0])
          .sort(),
      ).toEqual(['a.log', 'b.responses', 'c.rfe.db']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('fails the run that produced the evidence', () => {
    const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
    const config = fileURLToPath(new URL('./fixtures/leak-scan/vitest.config.ts', import.meta.url));
    const childVitest = (plant: boolean) =>
      spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', config], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, PLANT_LEAK: plant ? '1' : '0', RFE_TEST_EVIDENCE_DIR: '' },
        timeout: 60_000,
      });

    it('a child Vitest run whose test logged a planted token exits non-zero and names the file', () => {
      const run = childVitest(true);
      const output = `${run.stdout}${run.stderr}`;
      expect(output).toMatch(/1 passed/);
      expect(run.status).not.toBe(0);
      expect(output).toMatch(/leak scan FAILED[\s\S]*fixture\.log: ghs_/);
      const kept = /evidence kept in (\S+)\)/.exec(output)?.[1];
      expect(kept && fs.existsSync(kept)).toBeTruthy();
      fs.rmSync(kept!, { recursive: true, force: true });
    });

    it('the same run without the planted token exits 0 and reports the scan', () => {
      const run = childVitest(false);
      expect(`${run.stdout}${run.stderr}`).toMatch(/leak scan: 1 evidence files .* no token found/);
      expect(run.status).toBe(0);
    });
  });
});
