/**
 * Tests that run agent code under its own uid need a runner that can switch users: root here. CI runs
 * as root, so there a non-root test process is a failure, never a skip; locally the tests are skipped
 * with a message saying why.
 */
export function canRunAgentUid(suite: string): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env.CI) {
    throw new Error(
      `${suite}: the test process is not root, so the runner cannot run the agent under its own uid. CI runs as root; run the suite as root.`,
    );
  }
  console.warn(`${suite}: skipped: not root, so no agent uid can be used (CI runs these as root)`);
  return false;
}
