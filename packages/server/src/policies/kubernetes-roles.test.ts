import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSarServer } from '../../test/support/kube-sar-server.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import type { ProjectsTable } from '../db/schema.ts';
import { KubernetesRoles } from './kubernetes-roles.ts';

const bindings = [
  {
    namespace: 'rfe-team-a',
    clusterRole: 'ambient-project-admin',
    subject: { kind: 'User' as const, name: 'alice' },
  },
  {
    namespace: 'rfe-team-a',
    clusterRole: 'ambient-project-edit',
    subject: { kind: 'User' as const, name: 'carol' },
  },
  {
    namespace: 'rfe-team-a',
    clusterRole: 'ambient-project-view',
    subject: { kind: 'Group' as const, name: 'acme-readers' },
  },
  {
    namespace: 'team-b',
    clusterRole: 'ambient-project-admin',
    subject: { kind: 'Group' as const, name: 'oidc:acme-maintainers' },
  },
];

describe('RBAC_MODE=kubernetes: roles from SubjectAccessReviews', () => {
  let kube: Awaited<ReturnType<typeof startKubeSarServer>>;
  let t: TestApp;

  beforeAll(async () => {
    kube = await startKubeSarServer(bindings);
    t = await startTestApp({}, { RBAC_MODE: 'kubernetes', KUBECONFIG: kube.kubeconfig });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload: { name: 'team-a', storage: { kind: 'managed' } },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await kube?.close();
  });

  const access = async (user: string) =>
    t.app.inject({ method: 'GET', url: '/api/projects/team-a/access', headers: await t.as(user) });

  it('the role bound in the project namespace (K8S_NAMESPACE_PREFIX + name) decides, through users and groups', async () => {
    expect((await access('alice')).json().role).toBe('admin');
    expect((await access('carol')).json().role).toBe('edit'); // edit directly beats view through acme-readers
    expect((await access('bob')).json().role).toBe('view');
  });

  it('asks the API server in its own protocol: POST subjectaccessreviews with the user, groups and attributes', () => {
    const bob = kube.requests.filter((r) => r.body.spec.user === 'bob');
    expect(bob.length).toBe(3); // admin? edit? view — strongest first, stopping at the first allowed
    expect(bob[0]).toMatchObject({
      method: 'POST',
      url: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      authorization: 'Bearer backend-sa-token',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'bob',
          groups: ['acme-readers'],
          resourceAttributes: {
            namespace: 'rfe-team-a',
            group: 'workbench.ambient-code.io',
            resource: 'projects',
            subresource: 'members',
            verb: 'update',
          },
        },
      },
    });
    expect(kube.requests.filter((r) => r.body.spec.user === 'alice').length).toBeGreaterThanOrEqual(1);
  });

  it('a viewer is refused what the cluster does not grant, with the usual 403', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/projects/team-a/members/dave',
      headers: await t.as('bob'),
      payload: { role: 'view' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.details).toMatchObject({ capability: 'members.manage', role: 'view' });
  });

  it('the project list comes from the cluster: users bound only by a RoleBinding see the project; a database membership without a binding shows nothing', async () => {
    const list = async (user: string) =>
      (
        (await t.app.inject({ method: 'GET', url: '/api/projects', headers: await t.as(user) })).json() as {
          items: { name: string }[];
        }
      ).items.map((p) => p.name);
    const members = await t.ctx.db.selectFrom('project_members').select('subject').execute();
    expect(members.map((m) => m.subject)).not.toContain('carol'); // no database membership at all
    expect(await list('carol')).toEqual(['team-a']);
    expect(await list('bob')).toEqual(['team-a']); // through the acme-readers group
    // alice created team-c and holds its admin row in the database, but nothing binds her in rfe-team-c.
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload: { name: 'team-c', storage: { kind: 'managed' } },
    });
    expect(created.statusCode).toBe(201);
    expect(await list('alice')).toEqual(['team-a']);
  });

  it('the members API refuses writes with a message pointing at RoleBindings (roles come from the cluster)', async () => {
    const headers = await t.as('alice');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/projects/team-a/members/bob',
      headers,
      payload: { role: 'edit' },
    });
    expect(put.statusCode).toBe(409);
    expect(put.json().error.code).toBe('members_from_cluster');
    expect(put.json().error.message).toContain('RoleBinding in namespace rfe-team-a');
    const del = await t.app.inject({ method: 'DELETE', url: '/api/projects/team-a/members/alice', headers });
    expect(del.statusCode).toBe(409);
    const rows = await t.ctx.db.selectFrom('project_members').select('subject').execute();
    expect(rows.map((m) => m.subject)).not.toContain('bob');
    expect(rows.map((m) => m.subject)).toContain('alice');
  });

  it('answers are cached briefly: a second page load asks nothing', async () => {
    const before = kube.requests.length;
    await access('alice');
    await access('bob');
    expect(kube.requests.length).toBe(before);
  });
});

describe('KubernetesRoles', () => {
  let kube: Awaited<ReturnType<typeof startKubeSarServer>>;
  const project = { id: 'p1', name: 'team-b' } as ProjectsTable;
  const user = (subject: string, groups: string[] = []) => ({
    id: subject,
    subject,
    name: subject,
    email: '',
    groups,
  });
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kube.kubeconfig);
    return kc;
  };

  beforeAll(async () => {
    kube = await startKubeSarServer(bindings);
  });
  afterAll(() => kube?.close());

  it("applies the API server's user and group prefixes", async () => {
    const roles = new KubernetesRoles(kubeConfig(), { userPrefix: 'oidc:', groupPrefix: 'oidc:' });
    expect(await roles.roleOf(project, user('dana', ['acme-maintainers']))).toBe('admin');
    expect(kube.requests.at(-1)!.body.spec).toMatchObject({
      user: 'oidc:dana',
      groups: ['oidc:acme-maintainers'],
    });
  });

  it('no binding in the namespace means no role (the API answers 404 for the project)', async () => {
    expect(await new KubernetesRoles(kubeConfig()).roleOf(project, user('erin', ['nobody']))).toBeNull();
  });

  it('the cache expires after 10 seconds', async () => {
    let now = 1_000_000;
    const roles = new KubernetesRoles(kubeConfig(), { now: () => now, groupPrefix: 'oidc:' });
    await roles.roleOf(project, user('fay', ['acme-maintainers']));
    const asked = kube.requests.length;
    await roles.roleOf(project, user('fay', ['acme-maintainers']));
    expect(kube.requests.length).toBe(asked);
    now += 10_001;
    await roles.roleOf(project, user('fay', ['acme-maintainers']));
    expect(kube.requests.length).toBe(asked + 1);
  });

  it('a backend without the right to ask gets a clear upstream error, not a silent "no access"', async () => {
    kube.setRefuse(true);
    try {
      await expect(new KubernetesRoles(kubeConfig()).roleOf(project, user('gus'))).rejects.toMatchObject({
        status: 502,
        code: 'kubernetes_unavailable',
      });
    } finally {
      kube.setRefuse(false);
    }
  });
});
