import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * GitHub token formats (installation ghs_, user ghu_, refresh ghr_, personal ghp_), our runner tokens, and
 * Anthropic-style provider keys (sk-ant-…; the tests' scripted provider keys have that form too).
 */
export const SECRET_PATTERN =
  /\b(gh[suorp]_[A-Za-z0-9]{20,}|rfr_[A-Za-z0-9_-]{20,}\.[0-9]+\.[A-Za-z0-9_-]{20,}|sk-ant-[A-Za-z0-9_-]{20,})/g;

/** Where a secret-looking string was found in the evidence the whole suite left behind. */
export function scanEvidence(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, name)).toString('latin1');
    for (const match of text.matchAll(SECRET_PATTERN)) found.push(`${name}: ${match[0].slice(0, 8)}…`);
  }
  return found;
}

/**
 * Vitest global setup: before the suite, a fresh evidence directory; after it, the scan. A token in any log
 * line, API response body, database file or audit row fails the run. Vitest catches an error thrown in a
 * global teardown, prints it and still exits 0, so the scan reports through `process.exitCode` instead
 * (test/leak-scan.test.ts runs a child Vitest with a planted token to prove the exit status).
 */
export default function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-evidence-'));
  process.env.RFE_TEST_EVIDENCE_DIR = dir;
  return () => {
    const files = fs.readdirSync(dir).length;
    const leaks = scanEvidence(dir);
    if (leaks.length) {
      console.error(
        `leak scan FAILED: secrets leaked into logs, responses or databases during the suite ` +
          `(evidence kept in ${dir}):\n${leaks.join('\n')}`,
      );
      process.exitCode = 1;
      return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(
      `leak scan: ${files} evidence files (logs, API responses, databases) scanned; no token found`,
    );
  };
}
