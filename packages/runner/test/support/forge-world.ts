import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type StartedForge, startForge } from '@rfe/forge';
import { git } from './git-cli.ts';

export type Login = 'alice' | 'bob' | 'carol';

/**
 * The bundled forge with its default seed (acme/umbrella pinning acme/api and acme/web; alice admin,
 * bob read, carol read without acme/web), plus the set-up a session needs: canonical branches and forks.
 */
export class ForgeWorld {
  private constructor(
    readonly forge: StartedForge,
    readonly tokens: Record<Login, string>,
    readonly tmp: string,
  ) {}

  static async start(): Promise<ForgeWorld> {
    const tmp = await mkdtemp(join(tmpdir(), 'rfe-runner-forge-'));
    const forge = await startForge({ dataDir: join(tmp, 'forge'), port: 0, seed: 'default' });
    const tokens = {
      alice: await forge.userToken('alice'),
      bob: await forge.userToken('bob'),
      carol: await forge.userToken('carol'),
    };
    return new ForgeWorld(forge, tokens, tmp);
  }

  gitUrl(fullName: string): string {
    return `${this.forge.url}/${fullName}.git`;
  }

  /** Creates `branch` on acme/umbrella from main as alice, with `files` committed on top. */
  async createUmbrellaBranch(branch: string, files: Record<string, string> = {}): Promise<void> {
    const dir = await mkdtemp(join(this.tmp, 'setup-'));
    const auth = { login: 'alice', token: this.tokens.alice };
    await git(['clone', this.gitUrl('acme/umbrella'), dir], auth);
    await git(['checkout', '-b', branch], { cwd: dir });
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    if (Object.keys(files).length > 0) {
      await git(['add', '-A'], { cwd: dir });
      await git(['commit', '-m', `Set up ${branch}`], { cwd: dir });
    }
    await git(['push', 'origin', `HEAD:refs/heads/${branch}`], { cwd: dir, ...auth });
    await rm(dir, { recursive: true, force: true });
  }

  /**
   * Forks an upstream repository into the user's account (idempotent), default branch only, as the
   * backend must; returns the fork's full name.
   */
  async fork(login: Login, upstream: string): Promise<string> {
    const response = await fetch(`${this.forge.apiUrl}/repos/${upstream}/forks`, {
      method: 'POST',
      headers: { authorization: `token ${this.tokens[login]}`, accept: 'application/vnd.github+json' },
      // Only the default branch: a fork holding rfe/{slug} could not take rfe/{slug}/session-… (refs are paths).
      body: JSON.stringify({ default_branch_only: true }),
    });
    if (response.status !== 202 && response.status !== 200) {
      throw new Error(`fork ${upstream} as ${login}: ${response.status} ${await response.text()}`);
    }
    return ((await response.json()) as { full_name: string }).full_name;
  }

  /** Head sha of a branch, or undefined when it does not exist. */
  async branchHead(fullName: string, branch: string, login: Login = 'alice'): Promise<string | undefined> {
    const out = await git(['ls-remote', this.gitUrl(fullName), `refs/heads/${branch}`], {
      login,
      token: this.tokens[login],
    });
    return out ? out.split(/\s+/)[0] : undefined;
  }

  /** Clones a branch into a fresh directory for inspection. */
  async checkout(fullName: string, branch: string, login: Login = 'alice'): Promise<string> {
    const dir = await mkdtemp(join(this.tmp, 'inspect-'));
    await git(['clone', '--branch', branch, this.gitUrl(fullName), dir], {
      login,
      token: this.tokens[login],
    });
    return dir;
  }

  async close(): Promise<void> {
    await this.forge.close();
    // maxRetries: a Claude CLI that was just aborted may still be writing its transcript under the work dir.
    await rm(this.tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
