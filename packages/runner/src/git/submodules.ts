import type { Git } from './git.ts';

export interface DeclaredSubmodule {
  /** The name in .gitmodules (usually the path). */
  name: string;
  path: string;
  /** Absolute URL (git resolves relative ones against the umbrella's remote on `submodule init`). */
  url: string;
  /** `submodule.<name>.branch`, when .gitmodules names one. */
  branch?: string;
}

/** The submodules .gitmodules declares, in file order, with URLs as `git submodule init` resolved them. */
export async function readDeclaredSubmodules(git: Git, root: string): Promise<DeclaredSubmodule[]> {
  const listing = await git.run(
    root,
    ['config', '-f', '.gitmodules', '-z', '--get-regexp', '^submodule\\..*\\.path$'],
    {
      allowFailure: true,
    },
  );
  if (listing.code !== 0) return []; // no .gitmodules, or no submodules in it
  await git.run(root, ['submodule', 'init']);
  const declared: DeclaredSubmodule[] = [];
  for (const record of listing.stdout.split('\0').filter(Boolean)) {
    const newline = record.indexOf('\n');
    const key = record.slice(0, newline);
    const path = record.slice(newline + 1);
    const name = key.slice('submodule.'.length, -'.path'.length);
    const url = await git.output(root, ['config', '--get', `submodule.${name}.url`]);
    const branch = await git.run(root, ['config', '-f', '.gitmodules', '--get', `submodule.${name}.branch`], {
      allowFailure: true,
    });
    declared.push({ name, path, url, ...(branch.code === 0 ? { branch: branch.stdout.trim() } : {}) });
  }
  return declared;
}
