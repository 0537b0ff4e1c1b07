import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KubeObject, terminated } from '../../../test/support/kubernetes/fake-kube-api.ts';
import {
  type Harness,
  launchSpec,
  podSettings,
  sleep,
  startHarness,
  until,
} from '../../../test/support/kubernetes/launcher-harness.ts';
import { sessionObjectName } from './names.ts';

const NS = 'rfe-demo';

describe('the kubernetes launcher: runner exits from watching Jobs and Pods', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function launched() {
    const spec = launchSpec();
    await h.launcher.launch(spec);
    const name = sessionObjectName(spec.sessionId);
    const podName = h.api.podOf(NS, name).metadata.name as string;
    await until(() => h.api.openWatches('jobs') === 1 && h.api.openWatches('pods') === 1);
    return {
      id: spec.sessionId,
      name,
      pod: (change: (pod: KubeObject) => void) => h.api.update('pods', NS, podName, change),
      job: (change: (job: KubeObject) => void) => h.api.update('jobs', NS, name, change),
    };
  }

  it('watches with the runner label selector, per project namespace', async () => {
    await launched();
    for (const kind of ['jobs', 'pods'] as const) {
      const [list] = h.api.requests.filter(
        (r) => r.method === 'GET' && r.path.endsWith(`/${kind}`) && !r.query.get('watch'),
      );
      expect(list.query.get('labelSelector')).toBe('app.kubernetes.io/name=rfe-runner');
      const [watch] = h.api.watchRequests(kind);
      expect(watch.path).toBe(
        kind === 'jobs' ? `/apis/batch/v1/namespaces/${NS}/jobs` : `/api/v1/namespaces/${NS}/pods`,
      );
      expect(watch.query.get('labelSelector')).toBe('app.kubernetes.io/name=rfe-runner');
    }
  });

  it('reports exit code 0 from the terminated runner container, once', async () => {
    const s = await launched();
    s.pod((p) => {
      p.status = { phase: 'Succeeded', containerStatuses: [terminated('runner', 0, 'Completed')] };
    });
    expect(await h.nextExit(s.id)).toEqual({ sessionId: s.id, exitCode: 0 });
    s.job((j) => {
      j.status = { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] };
    });
    await sleep(100);
    expect(h.exits).toHaveLength(1);
  });

  it('reports exit code 1, and says so when the runner was OOM-killed', async () => {
    const a = await launched();
    a.pod((p) => {
      p.status = { phase: 'Failed', containerStatuses: [terminated('runner', 1, 'Error')] };
    });
    expect(await h.nextExit(a.id)).toEqual({ sessionId: a.id, exitCode: 1 });
    a.job((j) => {
      j.status = {
        failed: 1,
        conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
      };
    });

    const b = await launched();
    b.pod((p) => {
      p.status = { phase: 'Failed', containerStatuses: [terminated('runner', 137, 'OOMKilled')] };
    });
    expect(await h.nextExit(b.id)).toEqual({ sessionId: b.id, exitCode: 137, reason: 'OOMKilled' });
    await sleep(100);
    expect(h.exits).toHaveLength(2);
  });

  it('turns an exceeded deadline into a reason, with the runner stopped rather than exited', async () => {
    const s = await launched();
    // What the Job controller does at activeDeadlineSeconds: delete the Pod, mark the Job failed.
    s.pod((p) => {
      p.metadata.deletionTimestamp = new Date().toISOString();
      p.status = { phase: 'Failed', containerStatuses: [terminated('runner', 143, 'Error')] };
    });
    await sleep(50);
    expect(h.exits).toEqual([]); // a terminated container in a Pod being deleted is not the answer yet
    s.job((j) => {
      j.status = {
        failed: 1,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'DeadlineExceeded',
            message: 'Job was active longer than specified deadline',
          },
        ],
      };
    });
    expect(await h.nextExit(s.id)).toEqual({
      sessionId: s.id,
      exitCode: null,
      reason:
        'DeadlineExceeded: Job was active longer than specified deadline (the runner was stopped; exit 143)',
    });
  });

  it('fails fast on an image that cannot be pulled, naming it, and deletes the Job instead of waiting for the deadline', async () => {
    const s = await launched();
    s.pod((p) => {
      p.status = {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'install-credentials',
            image: podSettings.image,
            ready: false,
            restartCount: 0,
            state: {
              waiting: {
                reason: 'ErrImagePull',
                message: 'rpc error: code = NotFound desc = manifest unknown',
              },
            },
          },
        ],
      };
    });
    const exit = await h.nextExit(s.id);
    expect(exit.exitCode).toBeNull();
    expect(exit.reason).toBe(
      `The runner image "${podSettings.image}" could not be pulled (ErrImagePull): rpc error: code = NotFound desc = manifest unknown. ` +
        "Check RUNNER_IMAGE and the namespace's image pull secrets.",
    );
    const del = await until(() => h.api.requests.find((r) => r.method === 'DELETE'));
    expect(del.path).toBe(`/apis/batch/v1/namespaces/${NS}/jobs/${s.name}`);
    expect(del.query.get('propagationPolicy')).toBe('Foreground');
    await until(() => !h.api.get('jobs', NS, s.name));
    expect(h.exits).toHaveLength(1);
  });

  it('reports a Job deleted by someone else', async () => {
    const s = await launched();
    h.api.remove('jobs', NS, s.name);
    expect(await h.nextExit(s.id)).toEqual({
      sessionId: s.id,
      exitCode: null,
      reason: 'The runner Job was deleted before the runner finished',
    });
  });

  it('reconnects a dropped watch from the last resourceVersion it saw and misses nothing', async () => {
    const s = await launched();
    s.pod((p) => {
      p.status = {
        phase: 'Running',
        containerStatuses: [
          { name: 'runner', ready: true, restartCount: 0, image: 'x', state: { running: {} } },
        ],
      };
    });
    const lastSeen = h.api.podOf(NS, s.name).metadata.resourceVersion as string;
    await sleep(100); // let the event reach the launcher
    const before = h.api.watchRequests('pods').length;
    h.api.dropWatches();
    s.pod((p) => {
      p.status = { phase: 'Succeeded', containerStatuses: [terminated('runner', 0, 'Completed')] };
    });
    expect(await h.nextExit(s.id)).toEqual({ sessionId: s.id, exitCode: 0 });
    const again = h.api.watchRequests('pods').slice(before);
    expect(again[0].query.get('resourceVersion')).toBe(lastSeen);
    expect(again[0].query.get('allowWatchBookmarks')).toBe('true');
  });

  it('lists again when its resourceVersion has expired (410) and notices a Job deleted in the gap', async () => {
    const s = await launched();
    await sleep(50);
    const lists = () =>
      h.api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/jobs') && !r.query.get('watch'))
        .length;
    expect(lists()).toBe(1);
    h.api.dropWatches();
    h.api.remove('jobs', NS, s.name, { silently: true });
    h.api.compact();
    expect(await h.nextExit(s.id)).toEqual({
      sessionId: s.id,
      exitCode: null,
      reason: 'The runner Job was deleted before the runner finished',
    });
    expect(lists()).toBe(2);
  });

  it('logs a 403 on its watch naming the verb, resource and namespace, and keeps retrying', async () => {
    h.api.forbid('list', 'pods');
    await h.launcher.launch(launchSpec());
    const line = await until(() => h.logs.find((l) => l.includes('refused to list pods')));
    expect(JSON.parse(line).msg).toMatch(
      /^Kubernetes API refused to list pods in namespace "rfe-demo" \(403 Forbidden\): pods is forbidden: .* cannot list resource "pods" .* grant the launcher's service account "list" on "pods"/,
    );
    await until(() => h.logs.filter((l) => l.includes('refused to list pods')).length >= 2);
  });

  it('stops watching a namespace once its sessions have ended', async () => {
    const s = await launched();
    s.pod((p) => {
      p.status = { phase: 'Succeeded', containerStatuses: [terminated('runner', 0, 'Completed')] };
    });
    await h.nextExit(s.id);
    await until(() => h.api.openWatches('jobs') === 0 && h.api.openWatches('pods') === 0);
  });
});
