import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ForgeSeed } from '../types.ts';

/** Reads a seed from YAML or JSON (JSON is YAML); checks the shape enough to give a useful error. */
export async function loadSeedFile(path: string): Promise<ForgeSeed> {
  const data = parse(await readFile(path, 'utf8')) as unknown;
  if (!data || typeof data !== 'object' || !Array.isArray((data as ForgeSeed).users)) {
    throw new Error(`${path}: a forge seed needs at least a "users" list`);
  }
  for (const key of ['orgs', 'repos', 'installations'] as const) {
    const v = (data as Record<string, unknown>)[key];
    if (v !== undefined && !Array.isArray(v)) throw new Error(`${path}: "${key}" must be a list`);
  }
  return data as ForgeSeed;
}
