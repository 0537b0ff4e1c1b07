import { SettingsError } from './errors.ts';

/** Readers for one environment variable each; every failure names the variable. */
export type Env = Record<string, string | undefined>;

export function optionalString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function requiredString(env: Env, name: string, hint = ''): string {
  const value = optionalString(env, name);
  if (value === undefined) throw new SettingsError(name, `is required${hint ? ` (${hint})` : ''}`);
  return value;
}

export function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SettingsError(name, `must be a positive integer (milliseconds), got "${raw}"`);
  }
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new SettingsError(name, `must be true or false, got "${raw}"`);
}

export function oneOf<const V extends string>(env: Env, name: string, values: readonly V[]): V {
  const raw = requiredString(env, name, values.join(' | '));
  if (!(values as readonly string[]).includes(raw)) {
    throw new SettingsError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as V;
}

export function url(env: Env, name: string, protocols: readonly string[]): string {
  const raw = requiredString(env, name);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new SettingsError(name, `is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new SettingsError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new SettingsError(name, 'must not embed credentials; put tokens in RFE_GIT_CREDENTIALS_FILE');
  }
  return raw;
}

export function json(env: Env, name: string, fallback?: unknown): unknown {
  const raw = optionalString(env, name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new SettingsError(name, 'is required (JSON)');
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new SettingsError(name, `is not valid JSON: ${(error as Error).message}`);
  }
}

// The rules of `git check-ref-format` that matter for names we are handed.
const BAD_REF = /(^[/.]|[/.]$|\.\.|\/\/|@\{|[\s~^:?*[\\]|\.lock$|\.lock\/|\/\.)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what git refuses
const CONTROL = /[\x00-\x1f\x7f]/;

export function branchName(env: Env, name: string, fallback?: string): string {
  const value = optionalString(env, name) ?? fallback;
  if (value === undefined) throw new SettingsError(name, 'is required (a branch name)');
  if (BAD_REF.test(value) || CONTROL.test(value) || value === '@') {
    throw new SettingsError(name, `"${value}" is not a valid branch name`);
  }
  return value;
}

export function isValidBranchName(value: string): boolean {
  return value.length > 0 && value !== '@' && !BAD_REF.test(value) && !CONTROL.test(value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
