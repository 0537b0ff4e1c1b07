import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSeed, seedWithoutOrgInstallation } from '../src/index.ts';
import {
  appOctokit,
  eventually,
  installationId,
  installationToken,
  octokit,
  startHookReceiver,
  startTestForge,
  type TestForge,
  userAccessToken,
} from './helpers.ts';

/** Validates forge responses against the response schemas of GitHub's own OpenAPI description. */
type Spec = {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
  components: Record<string, Record<string, unknown>>;
};
const require = createRequire(import.meta.url);
const specPath = join(
  dirname(require.resolve('@octokit/openapi/package.json')),
  'generated',
  'api.github.com.json',
);
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
const SPEC_ID = 'https://forge.test/api.github.com.json';

/** OpenAPI 3.0 `nullable` -> JSON Schema null types, so Ajv reads every schema the same way GitHub means it. */
function denullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(denullable);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) out[k] = k === 'example' || k === 'examples' ? v : denullable(v);
  if (nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
spec.components = denullable(spec.components) as Spec['components'];
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: SPEC_ID, components: spec.components });

const operations = new Map<string, { responses: Record<string, unknown> }>();
for (const methods of Object.values(spec.paths)) {
  for (const op of Object.values(methods)) if (op?.operationId) operations.set(op.operationId, op);
}

type SpecResponse = { $ref?: string; content?: Record<string, { schema?: unknown }> } | undefined;

function specResponse(operationId: string, status: number): SpecResponse {
  const op = operations.get(operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  const response = op.responses[String(status)] as SpecResponse;
  if (!response?.$ref) return response;
  return spec.components.responses[response.$ref.split('/').pop()!] as SpecResponse;
}

function validator(operationId: string, status: number, mediaType = 'application/json'): ValidateFunction {
  const schema = specResponse(operationId, status)?.content?.[mediaType]?.schema;
  if (!schema) throw new Error(`${operationId} ${status} has no ${mediaType} schema`);
  const rewritten = JSON.parse(
    JSON.stringify(denullable(schema)).replaceAll('"#/components/', `"${SPEC_ID}#/components/`),
  );
  return ajv.compile(rewritten);
}

function expectValid(operationId: string, status: number, data: unknown, mediaType?: string) {
  const validate = validator(operationId, status, mediaType);
  const ok = validate(data);
  expect(
    ok
      ? []
      : validate.errors
          ?.slice(0, 12)
          .map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
    operationId,
  ).toEqual([]);
}

/** A bodiless answer (304, 204): the operation documents that status without content, and the body is empty. */
async function expectBodiless(operationId: string, res: Response) {
  const documented = specResponse(operationId, res.status);
  expect(documented, `${operationId} documents ${res.status}`).toBeDefined();
  expect(documented?.content, `${operationId} ${res.status} has no body`).toBeUndefined();
  expect(await res.text()).toBe('');
}

function expectComponent(name: string, data: unknown) {
  const validate = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
  const ok = validate(data);
  expect(ok ? [] : validate.errors?.slice(0, 12).map((e) => `${e.instancePath} ${e.message}`), name).toEqual(
    [],
  );
}

let t: TestForge;
let alice: Octokit;
let aliceToken: string;
let pat: Octokit;
let hooks: Awaited<ReturnType<typeof startHookReceiver>>;

beforeAll(async () => {
  t = await startTestForge();
  hooks = await startHookReceiver();
  t.forge.setWebhooks([{ url: hooks.url, secret: 's' }]);
  aliceToken = await userAccessToken(t.forge, 'alice');
  alice = octokit(t.forge, aliceToken);
  pat = octokit(t.forge, await t.forge.userToken('alice'));
});
afterAll(async () => {
  await hooks.close();
  await t.close();
});

describe('responses match GitHub OpenAPI schemas', () => {
  it('users and repositories', async () => {
    expectValid('users/get-authenticated', 200, (await alice.rest.users.getAuthenticated()).data);
    expectValid(
      'users/get-by-username',
      200,
      (await alice.rest.users.getByUsername({ username: 'bob' })).data,
    );
    expectValid('repos/get', 200, (await alice.rest.repos.get({ owner: 'acme', repo: 'umbrella' })).data);
    expectValid(
      'repos/list-for-authenticated-user',
      200,
      (await alice.rest.repos.listForAuthenticatedUser()).data,
    );
    expectValid('repos/list-for-org', 200, (await alice.rest.repos.listForOrg({ org: 'acme' })).data);
    expectValid('repos/list-for-user', 200, (await alice.rest.repos.listForUser({ username: 'alice' })).data);
    const created = await pat.rest.repos.createForAuthenticatedUser({ name: 'schema', auto_init: true });
    expectValid('repos/create-for-authenticated-user', 201, created.data);
    expectValid(
      'repos/create-in-org',
      201,
      (await pat.rest.repos.createInOrg({ org: 'acme', name: 'schema-org' })).data,
    );
    expectValid(
      'repos/update',
      200,
      (await pat.rest.repos.update({ owner: 'alice', repo: 'schema', allow_rebase_merge: false })).data,
    );
    const fork = await alice.rest.repos.createFork({ owner: 'acme', repo: 'api' });
    expectValid('repos/create-fork', 202, fork.data);
    expectValid('repos/get', 200, (await alice.rest.repos.get({ owner: 'alice', repo: 'api' })).data);
    expectValid(
      'repos/list-forks',
      200,
      (await alice.rest.repos.listForks({ owner: 'acme', repo: 'api' })).data,
    );
    expectValid(
      'repos/get-collaborator-permission-level',
      200,
      (
        await alice.rest.repos.getCollaboratorPermissionLevel({
          owner: 'acme',
          repo: 'web',
          username: 'carol',
        })
      ).data,
    );
  });

  it('branches, refs, git objects, commits and compare', async () => {
    const o = { owner: 'acme', repo: 'api' };
    expectValid('repos/list-branches', 200, (await alice.rest.repos.listBranches(o)).data);
    expectValid('repos/get-branch', 200, (await alice.rest.repos.getBranch({ ...o, branch: 'main' })).data);
    const ref = await alice.rest.git.getRef({ ...o, ref: 'heads/main' });
    expectValid('git/get-ref', 200, ref.data);
    expectValid(
      'git/list-matching-refs',
      200,
      (await alice.rest.git.listMatchingRefs({ ...o, ref: 'heads/' })).data,
    );
    const main = ref.data.object.sha;
    const commit = await alice.rest.git.getCommit({ ...o, commit_sha: main });
    expectValid('git/get-commit', 200, commit.data);
    const tree = await alice.rest.git.getTree({ ...o, tree_sha: commit.data.tree.sha, recursive: '1' });
    expectValid('git/get-tree', 200, tree.data);
    expectValid(
      'git/get-tree',
      200,
      (await alice.rest.git.getTree({ owner: 'acme', repo: 'umbrella', tree_sha: 'main', recursive: '1' }))
        .data,
    );
    const blobSha = tree.data.tree.find((e) => e.type === 'blob')!.sha!;
    expectValid('git/get-blob', 200, (await alice.rest.git.getBlob({ ...o, file_sha: blobSha })).data);
    const blob = await alice.rest.git.createBlob({ ...o, content: 'aGk=', encoding: 'base64' });
    expectValid('git/create-blob', 201, blob.data);
    const newTree = await alice.rest.git.createTree({
      ...o,
      base_tree: commit.data.tree.sha,
      tree: [{ path: 'x/y.txt', mode: '100644', type: 'blob', sha: blob.data.sha }],
    });
    expectValid('git/create-tree', 201, newTree.data);
    const newCommit = await alice.rest.git.createCommit({
      ...o,
      message: 'm',
      tree: newTree.data.sha,
      parents: [main],
    });
    expectValid('git/create-commit', 201, newCommit.data);
    expectValid(
      'git/create-ref',
      201,
      (await alice.rest.git.createRef({ ...o, ref: 'refs/heads/schema', sha: main })).data,
    );
    expectValid(
      'git/update-ref',
      200,
      (await alice.rest.git.updateRef({ ...o, ref: 'heads/schema', sha: newCommit.data.sha })).data,
    );
    expectValid('repos/get-commit', 200, (await alice.rest.repos.getCommit({ ...o, ref: 'schema' })).data);
    expectValid(
      'repos/list-commits',
      200,
      (await alice.rest.repos.listCommits({ ...o, sha: 'schema' })).data,
    );
    expectValid(
      'repos/compare-commits',
      200,
      (await alice.rest.repos.compareCommitsWithBasehead({ ...o, basehead: 'main...schema' })).data,
    );
  });

  it('contents: file, directory, submodule, create and update', async () => {
    const o = { owner: 'acme', repo: 'umbrella' };
    expectValid(
      'repos/get-content',
      200,
      (await alice.rest.repos.getContent({ ...o, path: 'README.md' })).data,
    );
    expectValid('repos/get-content', 200, (await alice.rest.repos.getContent({ ...o, path: 'repos' })).data);
    expectValid(
      'repos/get-content',
      200,
      (await alice.rest.repos.getContent({ ...o, path: 'repos/api' })).data,
    );
    const created = await alice.rest.repos.createOrUpdateFileContents({
      ...o,
      path: 'specs/a.md',
      message: 'a',
      content: 'YQ==',
    });
    expectValid('repos/create-or-update-file-contents', 201, created.data);
    const updated = await alice.rest.repos.createOrUpdateFileContents({
      ...o,
      path: 'specs/a.md',
      message: 'a',
      content: 'Yg==',
      sha: created.data.content!.sha,
    });
    expectValid('repos/create-or-update-file-contents', 200, updated.data);
  });

  it('pull requests', async () => {
    const o = { owner: 'acme', repo: 'umbrella' };
    const main = (await alice.rest.git.getRef({ ...o, ref: 'heads/main' })).data.object.sha;
    await alice.rest.git.createRef({ ...o, ref: 'refs/heads/pr', sha: main });
    await alice.rest.repos.createOrUpdateFileContents({
      ...o,
      path: 'pr.md',
      message: 'pr',
      content: 'cHI=',
      branch: 'pr',
    });
    const created = await alice.rest.pulls.create({ ...o, title: 'PR', head: 'pr', base: 'main' });
    // Mergeability is computed in the background: the 201 says null / unknown, as GitHub's does.
    expect(created.data).toMatchObject({ mergeable: null, mergeable_state: 'unknown' });
    expectValid('pulls/create', 201, created.data);
    expectValid(
      'pulls/get',
      200,
      (await alice.rest.pulls.get({ ...o, pull_number: created.data.number })).data,
    );
    expectValid('pulls/list', 200, (await alice.rest.pulls.list(o)).data);
    expectValid(
      'pulls/update',
      200,
      (await alice.rest.pulls.update({ ...o, pull_number: created.data.number, body: 'new' })).data,
    );
    expectValid(
      'pulls/merge',
      200,
      (await alice.rest.pulls.merge({ ...o, pull_number: created.data.number })).data,
    );
    expectValid(
      'pulls/get',
      200,
      (await alice.rest.pulls.get({ ...o, pull_number: created.data.number })).data,
    );
  });

  it('apps and installations', async () => {
    const app = appOctokit(t.forge);
    expectValid('apps/get-authenticated', 200, (await app.rest.apps.getAuthenticated()).data);
    // The inlined schema of this path says account is allOf[Simple User, Enterprise] (a bug in GitHub's
    // description; components/schemas/installation says anyOf), so items are checked against the component.
    for (const item of (await app.rest.apps.listInstallations()).data) expectComponent('installation', item);
    const id = await installationId(t.forge, 'alice');
    expectValid(
      'apps/get-installation',
      200,
      (await app.rest.apps.getInstallation({ installation_id: id })).data,
    );
    expectValid(
      'apps/get-user-installation',
      200,
      (await app.rest.apps.getUserInstallation({ username: 'alice' })).data,
    );
    const token = await app.rest.apps.createInstallationAccessToken({
      installation_id: id,
      repositories: ['api'],
      permissions: { contents: 'write' },
    });
    expectValid('apps/create-installation-access-token', 201, token.data);
    const inst = octokit(t.forge, await installationToken(t.forge, 'alice'));
    expectValid(
      'apps/list-repos-accessible-to-installation',
      200,
      (await inst.rest.apps.listReposAccessibleToInstallation()).data,
    );
    expectValid(
      'apps/list-installations-for-authenticated-user',
      200,
      (await alice.rest.apps.listInstallationsForAuthenticatedUser()).data,
    );
  });

  it('errors', async () => {
    const notFound = await alice.rest.repos.get({ owner: 'acme', repo: 'nope' }).catch((e) => e);
    expectValid('repos/get', 404, notFound.response.data);
    const invalid = await alice.rest.pulls
      .create({ owner: 'acme', repo: 'api', title: 'x', head: 'nope', base: 'main' })
      .catch((e) => e);
    expectValid('pulls/create', 422, invalid.response.data);
    const conflict = await alice.rest.repos
      .createOrUpdateFileContents({
        owner: 'acme',
        repo: 'api',
        path: 'README.md',
        message: 'x',
        content: 'eA==',
        sha: 'a'.repeat(40),
      })
      .catch((e) => e);
    expect(conflict.status).toBe(409);
    // The 409 schema is oneOf[basic-error, repository-rule-violation-error]; both match any basic error.
    expectComponent('basic-error', conflict.response.data);
  });

  it('API root, rate limit, organization, large files, submodules, async states and revocation', async () => {
    expectValid('meta/root', 200, (await alice.request('GET /')).data);
    expectValid('rate-limit/get', 200, (await alice.rest.rateLimit.get()).data);
    expectValid('orgs/get', 200, (await alice.rest.orgs.get({ org: 'acme' })).data);
    const o = { owner: 'acme', repo: 'umbrella' };
    await pat.rest.repos.createOrUpdateFileContents({
      ...o,
      path: 'big.bin',
      message: 'big',
      content: Buffer.alloc(1024 * 1024 + 1, 'a').toString('base64'),
    });
    const big = (await alice.rest.repos.getContent({ ...o, path: 'big.bin' })).data;
    expect(big).toMatchObject({ type: 'file', encoding: 'none', content: '' });
    expectValid('repos/get-content', 200, big);
    expectValid(
      'repos/get-content',
      200,
      (await alice.rest.repos.getContent({ ...o, path: 'repos/web' })).data,
    );
    const pr = (
      await pat.rest.repos.createFork({ owner: 'acme', repo: 'web' }).then(() => alice.rest.pulls.list(o))
    ).data;
    expectValid('pulls/list', 200, pr);
    // A head without owner: is ignored, as GitHub does (all PRs).
    const bare = (await alice.rest.pulls.list({ ...o, state: 'all', head: 'pr' })).data;
    expect(bare.length).toBeGreaterThan(0);
    expectValid('pulls/list', 200, bare);
    // A fork right after its 202 (a forge whose forks take 5 s): GitHub's 409 shape, no branches.
    const slow = await startTestForge({ delays: { forkMs: 5000, mergeabilityMs: 60_000 } });
    try {
      // A PR whose mergeability is not computed yet: pulls/get and pulls/list with null / unknown.
      const slowAlice = octokit(slow.forge, await slow.forge.userToken('alice'));
      const u = { owner: 'acme', repo: 'umbrella' };
      const base = (await slowAlice.rest.git.getRef({ ...u, ref: 'heads/main' })).data.object.sha;
      await slowAlice.rest.git.createRef({ ...u, ref: 'refs/heads/unknown', sha: base });
      await slowAlice.rest.repos.createOrUpdateFileContents({
        ...u,
        path: 'unknown.md',
        message: 'unknown',
        content: 'dQ==',
        branch: 'unknown',
      });
      const opened = await slowAlice.rest.pulls.create({ ...u, title: 'U', head: 'unknown', base: 'main' });
      const pending = (await slowAlice.rest.pulls.get({ ...u, pull_number: opened.data.number })).data;
      expect(pending).toMatchObject({ mergeable: null, mergeable_state: 'unknown', rebaseable: null });
      expectValid('pulls/get', 200, pending);
      expectValid('pulls/list', 200, (await slowAlice.rest.pulls.list(u)).data);
      const bob = octokit(slow.forge, await slow.forge.userToken('bob'));
      const accepted = await bob.rest.repos.createFork({ owner: 'acme', repo: 'web' });
      expect(accepted.status).toBe(202);
      expectValid('repos/create-fork', 202, accepted.data);
      const f = { owner: 'bob', repo: 'web' };
      const ref = await bob.rest.git.getRef({ ...f, ref: 'heads/main' }).catch((e) => e);
      expect(ref.status).toBe(409);
      expectValid('git/get-ref', 409, ref.response.data);
      const commit = await bob.rest.repos.getCommit({ ...f, ref: 'main' }).catch((e) => e);
      expect(commit.status).toBe(409);
      expectValid('repos/get-commit', 409, commit.response.data);
      expectValid('repos/list-branches', 200, (await bob.rest.repos.listBranches(f)).data);
    } finally {
      await slow.close();
    }
    const inst = await installationToken(t.forge, 'alice');
    const revoked = await fetch(`${t.forge.apiUrl}/installation/token`, {
      method: 'DELETE',
      headers: { authorization: `token ${inst}` },
    });
    expect(revoked.status).toBe(204);
    await expectBodiless('apps/revoke-installation-access-token', revoked);
  });

  it('media types, weak-ETag 304s, GraphQL 404, client-ID App JWT', async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${t.forge.apiUrl}${path}`, { headers: { authorization: `token ${aliceToken}`, ...headers } });
    // repos/get-commit documents string bodies for diff, patch and sha (pulls/get and compare document
    // JSON only, so their diff/patch bodies have no schema to check).
    for (const m of ['diff', 'patch', 'sha']) {
      const res = await get('/repos/acme/umbrella/commits/main', { accept: `application/vnd.github.${m}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(`application/vnd.github.${m}`);
      expectValid('repos/get-commit', 200, await res.text(), `application/vnd.github.${m}`);
    }
    // Conditional requests on operations that document 304: weak ETag / Last-Modified, empty 304.
    for (const [operationId, path] of [
      ['users/get-authenticated', '/user'],
      ['repos/get-content', '/repos/acme/umbrella/contents/README.md'],
      ['pulls/list', '/repos/acme/umbrella/pulls'],
      ['repos/list-for-authenticated-user', '/user/repos'],
    ] as const) {
      const first = await get(path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"/);
      expectValid(operationId, 200, await first.json());
      const byTag = await get(path, { 'if-none-match': etag });
      expect(byTag.status, path).toBe(304);
      await expectBodiless(operationId, byTag);
      const byDate = await get(path, { 'if-modified-since': first.headers.get('last-modified')! });
      expect(byDate.status, path).toBe(304);
      await expectBodiless(operationId, byDate);
    }
    // No GraphQL in the description (a separate API): the 404 is GitHub's basic error.
    const graphql = await fetch(`${t.forge.url}/api/graphql`, {
      method: 'POST',
      headers: { authorization: `bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ repository(owner: "acme", name: "api") { name } }' }),
    });
    expect(graphql.status).toBe(404);
    expectComponent('basic-error', await graphql.json());
    // An App JWT whose iss is the client ID.
    const pkcs8 = createPrivateKey(t.forge.app.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(t.forge.app.clientId)
      .setIssuedAt(now - 30)
      .setExpirationTime(now + 500)
      .sign(await importPKCS8(pkcs8, 'RS256'));
    const app = await fetch(`${t.forge.apiUrl}/app`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(app.status).toBe(200);
    expectValid('apps/get-authenticated', 200, await app.json());
  });

  it('token-rule refusals (user access token outside every installation, anonymous writes)', async () => {
    const [outside, readOnly] = await Promise.all([
      startTestForge({ seed: seedWithoutOrgInstallation }),
      startTestForge({
        seed: {
          ...defaultSeed,
          installations: [
            { account: 'acme', permissions: { contents: 'read', metadata: 'read', pull_requests: 'write' } },
          ],
        },
      }),
    ]);
    try {
      const ghu = await userAccessToken(outside.forge, 'alice');
      const call = async (
        method: string,
        path: string,
        token: string | null,
        body?: unknown,
        on = outside,
      ) => {
        const res = await fetch(`${on.forge.apiUrl}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `token ${token}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: (await res.json()) as { message: string } };
      };
      // Public repository, write: 403 Resource not accessible by integration.
      const pr = await call('POST', '/repos/acme/umbrella/pulls', ghu, {
        title: 'x',
        head: 'main',
        base: 'main',
      });
      expect(pr).toMatchObject({ status: 403, body: { message: 'Resource not accessible by integration' } });
      expectValid('pulls/create', 403, pr.body);
      const put = await call('PUT', '/repos/acme/umbrella/contents/x.md', ghu, {
        message: 'x',
        content: 'eA==',
      });
      expect(put).toMatchObject({ status: 403, body: { message: 'Resource not accessible by integration' } });
      // repos/create-or-update-file-contents documents no 403; GitHub answers its basic error.
      expectComponent('basic-error', put.body);
      // Private repository outside every installation: 404, even for its admin.
      const hidden = await call('GET', '/repos/acme/api', ghu);
      expect(hidden.status).toBe(404);
      expectValid('repos/get', 404, hidden.body);
      const content = await call('GET', '/repos/acme/api/contents/README.md', ghu);
      expect(content.status).toBe(404);
      expectValid('repos/get-content', 404, content.body);
      const fork = await call('POST', '/repos/acme/api/forks', ghu, {});
      expect(fork.status).toBe(404);
      expectValid('repos/create-fork', 404, fork.body);
      // Anonymous write: 401 Requires authentication (documented nowhere on the operation: basic error).
      const anon = await call('PUT', '/repos/acme/umbrella/contents/y.md', null, {
        message: 'y',
        content: 'eQ==',
      });
      expect(anon).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
      expectComponent('basic-error', anon.body);
      // Inside an installation granting contents: read, the admin's user access token cannot write.
      const readOnlyGhu = await userAccessToken(readOnly.forge, 'alice');
      const readOnlyPut = await call(
        'PUT',
        '/repos/acme/api/contents/z.md',
        readOnlyGhu,
        { message: 'z', content: 'eg==' },
        readOnly,
      );
      expect(readOnlyPut).toMatchObject({
        status: 403,
        body: { message: 'Resource not accessible by integration' },
      });
      expectComponent('basic-error', readOnlyPut.body);
      expectValid(
        'repos/get',
        200,
        (await call('GET', '/repos/acme/api', readOnlyGhu, undefined, readOnly)).body,
      );
      // DELETE /app/installations/{id}: 204 without a body.
      const id = await installationId(outside.forge, 'alice');
      const removed = await appOctokit(outside.forge).request('DELETE /app/installations/{installation_id}', {
        installation_id: id,
      });
      expect(removed.status).toBe(204);
      expect(specResponse('apps/delete-installation', 204)).toBeDefined();
      expect(specResponse('apps/delete-installation', 204)?.content).toBeUndefined();
      expect(removed.data ?? '').toBe('');
    } finally {
      await Promise.all([outside.close(), readOnly.close()]);
    }
  });

  it('webhook payloads (push, pull_request opened/edited/closed)', async () => {
    // The PR test above opened, edited and merged a PR; its pushes went out as push events.
    const find = (event: string, action?: string) =>
      eventually(() =>
        hooks.received.find(
          (h) => h.event === event && (action === undefined || h.payload.action === action),
        ),
      );
    expectComponent('webhook-push', (await find('push')).payload);
    for (const action of ['opened', 'edited', 'closed']) {
      expectComponent(`webhook-pull-request-${action}`, (await find('pull_request', action)).payload);
    }
  });
});
