import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const NUMBERED = /^(\d{3})-(.+)$/;

/**
 * The feature's folder under `specs/`, numbered as spec-kit numbers features: a feature already there
 * (`NNN-slug`, or an older unnumbered `slug`) keeps its folder; a new one gets the next free number
 * (`001-` in an empty `specs/`). A feature given with its number is taken as it is.
 */
export async function featureFolder(workspaceRoot: string, slug: string): Promise<string> {
  if (NUMBERED.test(slug)) return slug;
  let entries: string[] = [];
  try {
    entries = (await readdir(join(workspaceRoot, 'specs'), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    // no specs/ yet
  }
  const existing = entries.find((name) => name === slug || NUMBERED.exec(name)?.[2] === slug);
  if (existing) return existing;
  const highest = Math.max(0, ...entries.map((name) => Number(NUMBERED.exec(name)?.[1] ?? 0)));
  return `${String(highest + 1).padStart(3, '0')}-${slug}`;
}
