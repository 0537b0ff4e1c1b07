import { describe, expect, it } from 'vitest';
import { seeded, seededWith, seedFromEnv } from '../seed.ts';

describe('seeded randomness', () => {
  it('replays the same sequence from TEST_SEED and a different one from another seed', () => {
    const a = seeded('replay', { TEST_SEED: '12345' });
    const b = seeded('replay', { TEST_SEED: '12345' });
    const c = seeded('replay', { TEST_SEED: '12346' });
    const draw = (s: typeof a) => Array.from({ length: 20 }, () => s.random());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(a.seed).toBe(12345);
  });

  it('picks a fresh seed when TEST_SEED is unset, and that seed replays', () => {
    const fresh = seeded('fresh', {});
    const values = Array.from({ length: 5 }, () => fresh.random());
    const again = seededWith(fresh.seed);
    expect(Array.from({ length: 5 }, () => again.random())).toEqual(values);
  });

  it('stays in range', () => {
    const s = seededWith(7);
    for (let k = 0; k < 10_000; k++) {
      const r = s.random();
      expect(r >= 0 && r < 1).toBe(true);
      const n = s.int(6);
      expect(Number.isInteger(n) && n >= 0 && n < 6).toBe(true);
      const x = s.between(100, 200);
      expect(x >= 100 && x < 200).toBe(true);
    }
  });

  it('accepts decimal and hex, refuses anything else naming TEST_SEED', () => {
    expect(seedFromEnv({ TEST_SEED: '0x10' })).toBe(16);
    expect(seedFromEnv({ TEST_SEED: '-5' })).toBe(-5);
    expect(seedFromEnv({ TEST_SEED: '4294967295' })).toBe(-1);
    expect(seedFromEnv({})).toBeUndefined();
    for (const bad of ['abc', '1.5', '99999999999']) {
      expect(() => seedFromEnv({ TEST_SEED: bad })).toThrow(/TEST_SEED=.* is not a 32-bit integer/);
    }
  });

  it('hands fast-check the same seed', () => {
    expect(seededWith(99).fastCheck({ numRuns: 3 })).toEqual({ numRuns: 3, seed: 99 });
  });
});
