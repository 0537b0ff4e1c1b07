import { randomInt } from 'node:crypto';

/** A reproducible source of randomness for one test file: print the seed, replay it with `TEST_SEED=<seed>`. */
export interface Seeded {
  /** The 32-bit seed this run uses (from `TEST_SEED`, or fresh). */
  readonly seed: number;
  /** Uniform in [0, 1), like Math.random, but replayable. */
  random(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Parameters for `fc.assert(…, seeded.fastCheck())`: fast-check draws from the same seed. */
  fastCheck<T extends object>(params?: T): T & { seed: number };
}

/** Reads `TEST_SEED`: a 32-bit integer, decimal or 0x-hex. Anything else is an error naming the variable. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.TEST_SEED?.trim();
  if (!raw) return undefined;
  const value = /^0x[0-9a-f]+$/i.test(raw)
    ? Number.parseInt(raw, 16)
    : /^-?\d+$/.test(raw)
      ? Number(raw)
      : NaN;
  if (!Number.isSafeInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) {
    throw new Error(
      `TEST_SEED=${raw} is not a 32-bit integer; use the number a test printed, e.g. TEST_SEED=123456`,
    );
  }
  return value | 0;
}

/** mulberry32: small, fast, good enough for test schedules; the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed for `label` (usually the test file): `TEST_SEED` when set, otherwise a fresh one. Prints
 * `seed <label>: TEST_SEED=<seed>` so a failing run can be replayed exactly.
 */
export function seeded(label: string, env: NodeJS.ProcessEnv = process.env): Seeded {
  const fromEnv = seedFromEnv(env);
  const seed = fromEnv ?? randomInt(-(2 ** 31), 2 ** 31 - 1);
  console.log(`seed ${label}: TEST_SEED=${seed}${fromEnv === undefined ? '' : ' (from TEST_SEED)'}`);
  return seededWith(seed);
}

/** A generator for a known seed, printing nothing. */
export function seededWith(seed: number): Seeded {
  const random = mulberry32(seed);
  return {
    seed,
    random,
    int: (n) => Math.floor(random() * n),
    between: (min, max) => min + random() * (max - min),
    fastCheck: <T extends object>(params?: T) => ({ ...(params ?? ({} as T)), seed }),
  };
}
