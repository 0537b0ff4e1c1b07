import { ConfigError } from '../errors.ts';

/** One setting: its environment variable, its embedded default, and how its text is parsed and checked. */
export interface Setting<T> {
  env: string;
  describe: string;
  default: T | (() => T);
  parse: (raw: string, env: string) => T;
}

export const text = (describe: string, fallback: string): Setting<string> => ({
  env: '',
  describe,
  default: fallback,
  parse: (raw) => raw,
});

export const optionalText = (describe: string): Setting<string | undefined> => ({
  env: '',
  describe,
  default: undefined,
  parse: (raw) => (raw === '' ? undefined : raw),
});

export const integer = (describe: string, fallback: number, min: number, max: number): Setting<number> => ({
  env: '',
  describe,
  default: fallback,
  parse: (raw, env) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(env, `"${raw}" is not accepted; expected a whole number from ${min} to ${max}.`);
    }
    return n;
  },
});

export const boolean = (describe: string, fallback: boolean): Setting<boolean> => ({
  env: '',
  describe,
  default: fallback,
  parse: (raw, env) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new ConfigError(env, `"${raw}" is not accepted; expected true or false.`);
  },
});

export const oneOf = <const T extends string>(
  describe: string,
  fallback: T,
  values: readonly T[],
): Setting<T> => ({
  env: '',
  describe,
  default: fallback,
  parse: (raw, env) => {
    if (!(values as readonly string[]).includes(raw)) {
      throw new ConfigError(env, `"${raw}" is not accepted; expected one of: ${values.join(', ')}.`);
    }
    return raw as T;
  },
});

export const url = (describe: string, protocols: readonly string[]): Setting<string | undefined> => ({
  env: '',
  describe,
  default: undefined,
  parse: (raw, env) => {
    if (raw === '') return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(env, `"${raw}" is not a URL; expected e.g. ${protocols[0]}//host:port.`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(
        env,
        `protocol ${parsed.protocol} is not accepted; expected ${protocols.join(' or ')}.`,
      );
    }
    return raw;
  },
});

export const list = (describe: string): Setting<string[]> => ({
  env: '',
  describe,
  default: [],
  parse: (raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
});
