import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim, Secret } from 'kubernetes-models/v1';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GIT_TOKEN,
  type Harness,
  launchSpec,
  podSettings,
  RUNNER_TOKEN,
  startHarness,
  until,
} from '../../../test/support/kubernetes/launcher-harness.ts';
import { KubernetesApiError } from './api-errors.ts';
import { KubernetesLauncher } from './kubernetes-launcher.ts';
import { sessionJob } from './manifests.ts';
import { sessionObjectName } from './names.ts';

const NS = 'rfe-demo';

describe('the kubernetes launcher: launch and cancel', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates the Job first, then a Secret and a PVC owned by that Job, all named by one function', async () => {
    const spec = launchSpec();
    await h.launcher.launch(spec);

    const creates = h.api.requests.filter((r) => r.method === 'POST');
    expect(creates.map((r) => r.path)).toEqual([
      `/apis/batch/v1/namespaces/${NS}/jobs`,
      `/api/v1/namespaces/${NS}/secrets`,
      `/api/v1/namespaces/${NS}/persistentvolumeclaims`,
    ]);
    const name = sessionObjectName(spec.sessionId);
    expect(name).toBe(`rfe-session-${spec.sessionId.toLowerCase()}`);
    for (const r of creates) expect(r.body?.metadata.name).toBe(name);

    const job = h.api.get('jobs', NS, name)!;
    const owner = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name,
      uid: job.metadata.uid,
      blockOwnerDeletion: true,
    };
    expect(creates[1].body?.metadata.ownerReferences).toEqual([owner]);
    expect(creates[2].body?.metadata.ownerReferences).toEqual([owner]);

    // What went over the wire is valid against the official schemas…
    new Job(creates[0].body as never).validate();
    new Secret(creates[1].body as never).validate();
    new PersistentVolumeClaim(creates[2].body as never).validate();
    // …and kubernetes-models ignores unknown fields, so also check the client's serializer (which drops fields
    // its models do not know) kept every field we set: a misspelt field would vanish here.
    expect(creates[0].body).toEqual(JSON.parse(JSON.stringify(sessionJob(spec, NS, podSettings))));

    const labels = {
      'app.kubernetes.io/name': 'rfe-runner',
      'rfe.dev/session': spec.sessionId,
      'rfe.dev/project': 'demo',
    };
    for (const r of creates) expect(r.body?.metadata.labels).toEqual(labels);
    const pod = creates[0].body?.spec.template.spec;
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          secret: expect.objectContaining({ secretName: name, defaultMode: 0o400 }),
        }),
        { name: 'work', persistentVolumeClaim: { claimName: name } },
      ]),
    );
    expect(creates[2].body?.spec).toMatchObject({
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '10Gi' } },
    });
  });

  it('puts the runner token and Git credentials in the Secret only, never in the Job or its env', async () => {
    const spec = launchSpec();
    await h.launcher.launch(spec);
    // As JSON text: the credentials document is itself JSON, so its quotes are escaped in a request body.
    const carrying = (secret: string) => {
      const needle = JSON.stringify(secret).slice(1, -1);
      return h.api.requests.filter((r) => r.raw.includes(needle) || `${r.path}?${r.query}`.includes(secret));
    };
    for (const secret of [RUNNER_TOKEN, GIT_TOKEN, spec.secrets.gitCredentials]) {
      const found = carrying(secret);
      expect(found.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /api/v1/namespaces/${NS}/secrets`]);
    }
    const job = h.api.requests.find((r) => r.path.endsWith('/jobs') && r.method === 'POST')!.body!;
    const env = Object.fromEntries(
      (job.spec.template.spec.containers[0].env as { name: string; value: string }[]).map((e) => [
        e.name,
        e.value,
      ]),
    );
    expect(env).toMatchObject({
      RFE_SESSION_ID: spec.sessionId,
      RFE_RUNNER_TOKEN_FILE: '/var/run/rfe/credentials/runner-token',
      RFE_GIT_CREDENTIALS_FILE: '/var/run/rfe/credentials/git-credentials.json',
      RFE_WORK_DIR: '/workspace/session',
      RFE_TIMEOUT_MS: '3600000',
      RFE_AGENT_UID: '1001',
      RFE_AGENT_GID: '1001',
    });
  });

  it('refuses a session whose Job already exists (409) and leaves that Job alone', async () => {
    const spec = launchSpec();
    await h.launcher.launch(spec);
    const other = new KubernetesLauncher({
      ...podSettings,
      kubeConfig: h.api.kubeConfig(),
      namespacePrefix: 'rfe-',
      logger: pino({ level: 'silent' }),
    });
    const error = await other.launch(spec).catch((err: unknown) => err);
    await other.close();
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect((error as Error).message).toMatch(
      /create jobs "rfe-session-.*" in namespace "rfe-demo" \(409 AlreadyExists\)/,
    );
    expect(h.api.requests.filter((r) => r.method === 'POST')).toHaveLength(4); // 3 + the refused Job
    expect(h.api.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(h.api.get('jobs', NS, sessionObjectName(spec.sessionId))).toBeDefined();
  });

  it('turns a 403 from RBAC into an error naming the verb, resource and namespace, and removes the half-made session', async () => {
    h.api.forbid('create', 'persistentvolumeclaims');
    const spec = launchSpec();
    const error = (await h.launcher.launch(spec).catch((err: unknown) => err)) as KubernetesApiError;
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error.code).toBe('kubernetes_forbidden');
    expect(error.message).toContain('refused to create persistentvolumeclaims');
    expect(error.message).toContain('in namespace "rfe-demo" (403 Forbidden)');
    expect(error.message).toContain('cannot create resource "persistentvolumeclaims"');
    expect(error.message).toContain(
      'grant the launcher\'s service account "create" on "persistentvolumeclaims"',
    );
    const name = sessionObjectName(spec.sessionId);
    const del = h.api.requests.find((r) => r.method === 'DELETE');
    expect(del?.path).toBe(`/apis/batch/v1/namespaces/${NS}/jobs/${name}`);
    expect(del?.query.get('propagationPolicy')).toBe('Foreground');
    await until(() => !h.api.get('jobs', NS, name) && !h.api.get('secrets', NS, name));
    expect(h.exits).toEqual([]);

    h.api.forbid('create', 'jobs');
    const refused = await h.launcher.launch(launchSpec()).catch((err: Error) => err.message);
    expect(refused).toMatch(
      /refused to create jobs .* \(403 Forbidden\): jobs\.batch is forbidden: .* cannot create resource "jobs"/,
    );
  });

  it('names the namespace when the project has none', async () => {
    const error = await h.launcher
      .launch(launchSpec({ projectName: 'ghost' }))
      .catch((err: Error) => err.message);
    expect(error).toContain('namespace "rfe-ghost" (404 NotFound)');
    expect(error).toContain('does the project namespace "rfe-ghost" exist?');
  });

  it('cancel deletes the Job with Foreground propagation, so the Pod, Secret and PVC go too', async () => {
    const spec = launchSpec();
    await h.launcher.launch(spec);
    const name = sessionObjectName(spec.sessionId);
    await h.launcher.cancel(spec.sessionId, 3000);

    const del = h.api.requests.filter((r) => r.method === 'DELETE');
    expect(del.map((r) => r.path)).toEqual([`/apis/batch/v1/namespaces/${NS}/jobs/${name}`]);
    expect(del[0].query.get('propagationPolicy')).toBe('Foreground');
    expect(await h.nextExit(spec.sessionId)).toEqual({
      sessionId: spec.sessionId,
      exitCode: null,
      reason: 'cancelled',
    });
    await until(() =>
      ['jobs', 'pods', 'secrets', 'persistentvolumeclaims'].every(
        (k) => h.api.list(k as never, NS).length === 0,
      ),
    );
    expect(h.exits).toHaveLength(1);
  });

  it('cancel is idempotent: a Job already gone (404) counts as cancelled, and a second cancel does nothing', async () => {
    const spec = launchSpec();
    await h.launcher.launch(spec);
    h.api.remove('jobs', NS, sessionObjectName(spec.sessionId), { silently: true });
    await h.launcher.cancel(spec.sessionId);
    expect(h.exits).toEqual([{ sessionId: spec.sessionId, exitCode: null, reason: 'cancelled' }]);
    const deletes = () => h.api.requests.filter((r) => r.method === 'DELETE').length;
    expect(deletes()).toBe(1);
    await h.launcher.cancel(spec.sessionId);
    await h.launcher.cancel('01NEVERLAUNCHED0000000000');
    expect(deletes()).toBe(1);
    expect(h.exits).toHaveLength(1);
  });
});
