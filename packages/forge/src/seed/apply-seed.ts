import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ForgeContext } from '../context.ts';
import { branchSha } from '../git/read.ts';
import { createRepository } from '../operations/create-repo.ts';
import { ensureInstallation } from '../operations/install-app.ts';
import { writeCommit } from '../operations/write-commit.ts';
import type { AccountRecord, AppRecord } from '../state/model.ts';
import { findAccount, findRepo, iso, repoGitDir } from '../state/queries.ts';
import type { ForgeSeed, SeedApp, SeedRepo } from '../types.ts';
import { defaultSeed } from './default-seed.ts';

const SEED_AUTHOR = { name: 'RFE Forge', email: 'forge@localhost' };

function addAccount(
  ctx: ForgeContext,
  login: string,
  type: AccountRecord['type'],
  name?: string,
  email?: string,
) {
  if (findAccount(ctx.store.read, login)) throw new Error(`seed: account ${login} is declared twice`);
  return ctx.store.mutate((state) => {
    const record: AccountRecord = {
      id: ctx.store.nextId(state),
      login,
      type,
      name: name ?? null,
      email: email ?? null,
      createdAt: iso(ctx.now()),
    };
    if (type === 'Organization') record.members = {};
    state.accounts[login.toLowerCase()] = record;
    return record;
  });
}

/** Registers the App; generates an RSA key (PKCS#1 PEM, like GitHub's downloads) and secrets when not given. */
export function registerApp(ctx: ForgeContext, seed: SeedApp): AppRecord {
  const privateKeyPem =
    seed.privateKeyPem ??
    generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
  const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  const ownerLogin = seed.owner ?? Object.values(ctx.store.read.accounts)[0]?.login ?? 'forge';
  return ctx.store.mutate((state) => {
    const app: AppRecord = {
      id: seed.id ?? ctx.store.nextId(state),
      slug: seed.slug,
      name: seed.name ?? seed.slug,
      ownerLogin,
      clientId: seed.clientId ?? `Iv1.${randomBytes(8).toString('hex')}`,
      clientSecret: seed.clientSecret ?? randomBytes(20).toString('hex'),
      privateKeyPem,
      publicKeyPem,
      webhookSecret: seed.webhookSecret ?? randomBytes(20).toString('hex'),
      setupUrl: seed.setupUrl ?? null,
      callbackUrls: seed.callbackUrls ?? [],
      permissions: seed.permissions ?? {
        contents: 'write',
        metadata: 'read',
        pull_requests: 'write',
        workflows: 'write',
      },
      events: seed.events ?? ['push', 'pull_request'],
      createdAt: iso(ctx.now()),
    };
    state.app = app;
    return app;
  });
}

/** Repos whose submodules point at other seeded repos come after them. */
function orderBySubmodules(repos: SeedRepo[]): SeedRepo[] {
  const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
  const byKey = new Map(repos.map((r) => [key(r.owner, r.name), r]));
  const out: SeedRepo[] = [];
  const visiting = new Set<string>();
  const visit = (r: SeedRepo) => {
    const k = key(r.owner, r.name);
    if (out.includes(r)) return;
    if (visiting.has(k)) throw new Error(`seed: submodule cycle at ${k}`);
    visiting.add(k);
    for (const s of r.submodules ?? []) {
      const dep = byKey.get(s.repo.toLowerCase());
      if (dep) visit(dep);
    }
    out.push(r);
  };
  repos.forEach(visit);
  return out;
}

async function seedRepo(ctx: ForgeContext, r: SeedRepo): Promise<void> {
  const owner = findAccount(ctx.store.read, r.owner);
  if (!owner) throw new Error(`seed: repo ${r.owner}/${r.name} has an unknown owner`);
  const repo = await createRepository(ctx, {
    owner,
    name: r.name,
    private: r.private,
    description: r.description,
    defaultBranch: r.default_branch,
    collaborators: r.collaborators,
    allowMergeCommit: r.allow_merge_commit,
    allowSquashMerge: r.allow_squash_merge,
    allowRebaseMerge: r.allow_rebase_merge,
  });
  const gitlinks: { path: string; sha: string }[] = [];
  let gitmodules = '';
  for (const s of r.submodules ?? []) {
    const [o, n] = s.repo.split('/');
    const target = findRepo(ctx.store.read, o, n);
    const sha = target ? await branchSha(repoGitDir(ctx.reposDir, target), target.defaultBranch) : null;
    if (!target || !sha)
      throw new Error(`seed: submodule ${s.path} of ${r.owner}/${r.name} needs ${s.repo} with a commit`);
    gitlinks.push({ path: s.path, sha });
    gitmodules += `[submodule "${s.path}"]\n\tpath = ${s.path}\n\turl = ${ctx.urls.web}/${target.owner}/${target.name}.git\n`;
  }
  const files: Record<string, string> = { ...(r.files ?? {}) };
  if (gitmodules) files['.gitmodules'] = gitmodules;
  if (Object.keys(files).length === 0 && gitlinks.length === 0) return;
  await writeCommit(ctx, repo, {
    branch: repo.defaultBranch,
    files,
    gitlinks,
    message: 'Initial commit',
    author: SEED_AUTHOR,
  });
}

/** Applies a declarative seed to an empty forge (accounts, App, repositories with content, installations). */
export async function applySeed(ctx: ForgeContext, seed: ForgeSeed | 'default'): Promise<void> {
  const s = seed === 'default' ? defaultSeed : seed;
  for (const u of s.users) addAccount(ctx, u.login, 'User', u.name, u.email);
  for (const o of s.orgs ?? []) {
    addAccount(ctx, o.login, 'Organization', o.name);
    ctx.store.mutate((state) => {
      const org = state.accounts[o.login.toLowerCase()];
      for (const m of o.members) {
        if (!state.accounts[m.login.toLowerCase()])
          throw new Error(`seed: org member ${m.login} is not a user`);
        org.members![m.login.toLowerCase()] = m.role;
      }
    });
  }
  registerApp(ctx, s.app ?? { slug: 'rfe-workbench', name: 'RFE Workbench' });
  for (const r of orderBySubmodules(s.repos ?? [])) await seedRepo(ctx, r);
  for (const i of s.installations ?? []) {
    const account = findAccount(ctx.store.read, i.account);
    if (!account) throw new Error(`seed: installation account ${i.account} is unknown`);
    const repositoryIds =
      i.repository_selection === 'selected'
        ? (i.repositories ?? []).map((name) => {
            const repo = findRepo(ctx.store.read, account.login, name);
            if (!repo) throw new Error(`seed: installation repo ${account.login}/${name} is unknown`);
            return repo.id;
          })
        : undefined;
    ensureInstallation(ctx, account, { id: i.id, repositoryIds, permissions: i.permissions });
  }
}
