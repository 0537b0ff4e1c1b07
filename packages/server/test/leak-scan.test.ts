import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
});
