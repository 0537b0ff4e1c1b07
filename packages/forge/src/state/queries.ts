import { join } from 'node:path';
import type { AccountRecord, ForgeState, InstallationRecord, PullRecord, RepoRecord } from './model.ts';

/** Lookups over the metadata document. Names are matched case-insensitively, as on GitHub. */

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function findAccount(state: Readonly<ForgeState>, login: string): AccountRecord | null {
  return state.accounts[login.toLowerCase()] ?? null;
}

export function findRepo(state: Readonly<ForgeState>, owner: string, name: string): RepoRecord | null {
  const o = owner.toLowerCase();
  const n = name.toLowerCase();
  for (const repo of Object.values(state.repos)) {
    if (repo.owner.toLowerCase() === o && repo.name.toLowerCase() === n) return repo;
  }
  return null;
}

export function repoById(state: Readonly<ForgeState>, id: number): RepoRecord | null {
  return state.repos[String(id)] ?? null;
}

export function reposOwnedBy(state: Readonly<ForgeState>, login: string): RepoRecord[] {
  const l = login.toLowerCase();
  return Object.values(state.repos)
    .filter((r) => r.owner.toLowerCase() === l)
    .sort((a, b) => a.id - b.id);
}

export const fullName = (repo: RepoRecord): string => `${repo.owner}/${repo.name}`;

export function repoGitDir(reposDir: string, repo: { owner: string; name: string }): string {
  return join(reposDir, repo.owner.toLowerCase(), `${repo.name.toLowerCase()}.git`);
}

export function installationForAccount(
  state: Readonly<ForgeState>,
  login: string,
): InstallationRecord | null {
  const l = login.toLowerCase();
  return Object.values(state.installations).find((i) => i.accountLogin.toLowerCase() === l) ?? null;
}

/** GitHub: an installation on an account covers that account's repositories (all, or the selected ones). */
export function installationCovers(inst: InstallationRecord, repo: RepoRecord): boolean {
  if (inst.accountLogin.toLowerCase() !== repo.owner.toLowerCase()) return false;
  return inst.repositorySelection === 'all' || inst.repositoryIds.includes(repo.id);
}

/** The App's installation whose repositories include `repo`, if any. */
export function installationCovering(
  state: Readonly<ForgeState>,
  repo: RepoRecord,
): InstallationRecord | null {
  const inst = installationForAccount(state, repo.owner);
  return inst && installationCovers(inst, repo) ? inst : null;
}

export function installationRepos(state: Readonly<ForgeState>, inst: InstallationRecord): RepoRecord[] {
  return reposOwnedBy(state, inst.accountLogin).filter((r) => installationCovers(inst, r));
}

export function pullsOf(state: Readonly<ForgeState>, repoId: number): PullRecord[] {
  return Object.values(state.pulls)
    .filter((p) => p.repoId === repoId)
    .sort((a, b) => a.number - b.number);
}

export function findPull(state: Readonly<ForgeState>, repoId: number, number: number): PullRecord | null {
  return state.pulls[`${repoId}/${number}`] ?? null;
}

/** The root of a fork network (GitHub's `source`). */
export function networkRoot(state: Readonly<ForgeState>, repo: RepoRecord): RepoRecord {
  return (repo.sourceId !== null && repoById(state, repo.sourceId)) || repo;
}

export function forksOf(state: Readonly<ForgeState>, repo: RepoRecord): RepoRecord[] {
  return Object.values(state.repos)
    .filter((r) => r.parentId === repo.id)
    .sort((a, b) => a.id - b.id);
}

export const VALID_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const VALID_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export function tokenInScopeOfAccount(inst: InstallationRecord, login: string): boolean {
  return inst.accountLogin.toLowerCase() === login.toLowerCase();
}
