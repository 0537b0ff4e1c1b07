import { describe, expect, it } from 'vitest';
import { startRunner } from './support/runner-process.ts';

describe('the runner entry point', () => {
  it('exits 1 with an error naming the variable when a setting is missing', async () => {
    const runner = startRunner({ RFE_WORKSPACE_SLUG: 'x' });
    const { code } = await runner.exited;
    expect(code).toBe(1);
    expect(runner.stderr()).toContain('invalid settings: RFE_SESSION_ID: is required');
  });
});
