import { git } from './run.ts';

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface DiffFile {
  filename: string;
  previousFilename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'changed';
  additions: number;
  deletions: number;
  /** Blob sha after the change (before it, for removals). */
  sha: string;
}

/** Files changed between two tree-ishes (`base` null = empty tree), with line counts. */
export async function diffFiles(gitDir: string, base: string | null, head: string): Promise<DiffFile[]> {
  const from = base ?? EMPTY_TREE;
  const raw = (await git(gitDir, ['diff-tree', '-r', '-z', '-M', '--raw', '--numstat', from, head])).stdout
    .toString('utf8')
    .split('\0');
  const files: DiffFile[] = [];
  let i = 0;
  // --raw records: ":old new oldsha newsha status\0path\0[path2\0]"; then --numstat records.
  while (i < raw.length && raw[i].startsWith(':')) {
    const [, , oldSha, newSha, status] = raw[i].slice(1).split(' ');
    const code = status[0];
    if (code === 'R' || code === 'C') {
      files.push({
        filename: raw[i + 2],
        previousFilename: raw[i + 1],
        status: 'renamed',
        additions: 0,
        deletions: 0,
        sha: newSha,
      });
      i += 3;
    } else {
      const map: Record<string, DiffFile['status']> = {
        A: 'added',
        D: 'removed',
        M: 'modified',
        T: 'changed',
      };
      const st = map[code] ?? 'modified';
      files.push({
        filename: raw[i + 1],
        status: st,
        additions: 0,
        deletions: 0,
        sha: code === 'D' ? oldSha : newSha,
      });
      i += 2;
    }
  }
  // numstat: "add\tdel\tpath\0" or, for renames, "add\tdel\t\0old\0new\0".
  let f = 0;
  while (i < raw.length && f < files.length) {
    const rec = raw[i];
    if (!rec) {
      i++;
      continue;
    }
    const [add, del, path] = rec.split('\t');
    files[f].additions = add === '-' ? 0 : Number(add);
    files[f].deletions = del === '-' ? 0 : Number(del);
    i += path === '' ? 3 : 1;
    f++;
  }
  return files;
}
