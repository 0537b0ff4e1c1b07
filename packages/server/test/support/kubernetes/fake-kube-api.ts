/**
 * Test support: a small HTTP server that answers the launcher's calls the way the Kubernetes API server does
 * (JSON objects with uid/resourceVersion, Status objects for errors, chunked newline-delimited watch streams
 * with resourceVersion replay and 410 Expired), and stands in for the Job controller (one Pod per Job) and the
 * garbage collector (dependents go when their owner is deleted). Every request is recorded.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import {
  forbidden,
  KINDS,
  type Kind,
  type KubeObject,
  kindOf,
  matches,
  notFound,
  send,
  status,
  terminated,
} from './fake-kube-responses.ts';

export { type Kind, type KubeObject, terminated } from './fake-kube-responses.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: KubeObject | undefined;
  raw: string;
}

const PATH =
  /^\/(?:api\/v1|apis\/batch\/v1)\/namespaces\/([^/]+)\/(jobs|pods|secrets|persistentvolumeclaims)(?:\/([^/]+))?$/;

interface Watcher {
  kind: Kind;
  namespace: string;
  selector: string | null;
  res: http.ServerResponse;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  readonly namespaces = new Set<string>(['rfe-demo']);
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: { rv: number; kind: Kind; type: string; object: KubeObject }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly forbidden = new Set<string>();
  private rv = 1000;
  private compactedThrough = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeKubeApi> {
    const server = http.createServer();
    const api = new FakeKubeApi(server);
    server.on('request', (req, res) => api.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'launcher', token: 'launcher-service-account-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'launcher' }],
      currentContext: 'fake',
    });
    return kc;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test controls ----

  get(kind: Kind, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(key(kind, namespace, name));
  }

  list(kind: Kind, namespace: string): KubeObject[] {
    return [...this.objects.values()].filter((o) => o.metadata.namespace === namespace && kindOf(o) === kind);
  }

  /** The Pod the Job controller made for a Job. */
  podOf(namespace: string, jobName: string): KubeObject {
    const pod = this.list('pods', namespace).find(
      (p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === jobName,
    );
    if (!pod) throw new Error(`no Pod for Job ${jobName}`);
    return pod;
  }

  /** Changes an object the way a controller or the kubelet would, and tells the watchers. */
  update(kind: Kind, namespace: string, name: string, change: (object: KubeObject) => void): void {
    const object = structuredClone(this.get(kind, namespace, name));
    if (!object) throw new Error(`${kind}/${name} does not exist`);
    change(object);
    this.store(kind, object, 'MODIFIED');
  }

  remove(kind: Kind, namespace: string, name: string, { silently = false } = {}): void {
    const object = this.get(kind, namespace, name);
    if (!object) return;
    this.objects.delete(key(kind, namespace, name));
    if (!silently) this.publish(kind, 'DELETED', object);
    this.collectDependents(object.metadata.uid);
  }

  /** Answers `verb` on `kind` with 403 Forbidden, as RBAC would. */
  forbid(verb: 'create' | 'delete' | 'list' | 'watch' | 'get', kind: Kind): void {
    this.forbidden.add(`${verb} ${kind}`);
  }

  /** Cuts every open watch stream (a load balancer timeout, an API server restart). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  /** Forgets history: watches from an older resourceVersion get 410 Expired. */
  compact(): void {
    this.compactedThrough = this.rv;
    this.history.length = 0;
  }

  watchRequests(kind: Kind): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === 'GET' && r.query.get('watch') === 'true' && r.path.endsWith(`/${kind}`),
    );
  }

  openWatches(kind: Kind): number {
    return [...this.watchers].filter((w) => w.kind === kind).length;
  }

  // ---- the API ----

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url);
      const body = raw ? (JSON.parse(raw) as KubeObject) : undefined;
      const method = req.method ?? 'GET';
      this.requests.push({ method, path: url.pathname, query: url.searchParams, body, raw });
      const match = PATH.exec(url.pathname);
      if (!match)
        return send(res, 404, status(404, 'NotFound', `the server could not find the requested resource`));
      const [, namespace, kind, name] = match as unknown as [string, string, Kind, string | undefined];
      const watch = url.searchParams.get('watch') === 'true';
      const verb =
        method === 'POST'
          ? 'create'
          : method === 'DELETE'
            ? 'delete'
            : name
              ? 'get'
              : watch
                ? 'watch'
                : 'list';
      if (this.forbidden.has(`${verb} ${kind}`))
        return send(res, 403, forbidden(verb, kind, namespace, name));
      if (method === 'POST') return this.create(res, kind, namespace, body ?? {});
      if (method === 'DELETE' && name) return this.delete(res, kind, namespace, name, url.searchParams, body);
      if (method === 'GET' && name) {
        const found = this.get(kind, namespace, name);
        return found ? send(res, 200, found) : send(res, 404, notFound(kind, name));
      }
      if (method === 'GET' && watch) return this.watch(res, kind, namespace, url.searchParams);
      if (method === 'GET') {
        const selector = url.searchParams.get('labelSelector');
        return send(res, 200, {
          kind: `${KINDS[kind].kind}List`,
          apiVersion: KINDS[kind].apiVersion,
          metadata: { resourceVersion: String(this.rv) },
          items: this.list(kind, namespace).filter((o) => matches(o, selector)),
        });
      }
      send(res, 405, status(405, 'MethodNotAllowed', `${method} is not supported here`));
    });
  }

  private create(res: http.ServerResponse, kind: Kind, namespace: string, body: KubeObject): void {
    const name = body.metadata?.name as string;
    if (!this.namespaces.has(namespace)) {
      send(res, 404, {
        ...status(404, 'NotFound', `namespaces "${namespace}" not found`),
        details: { name: namespace, kind: 'namespaces' },
      });
      return;
    }
    if (this.get(kind, namespace, name)) {
      const resource = KINDS[kind].group ? `${kind}.${KINDS[kind].group}` : kind;
      send(res, 409, {
        ...status(409, 'AlreadyExists', `${resource} "${name}" already exists`),
        details: { name, group: KINDS[kind].group, kind },
      });
      return;
    }
    const object = structuredClone(body);
    object.metadata = {
      ...object.metadata,
      namespace,
      uid: randomUUID(),
      creationTimestamp: new Date().toISOString(),
    };
    if (kind === 'secrets' && object.stringData) {
      // The API server folds stringData into data and never returns stringData.
      const data = { ...(object.data ?? {}) };
      for (const [k, v] of Object.entries(object.stringData as Record<string, string>))
        data[k] = Buffer.from(v).toString('base64');
      object.data = data;
      delete object.stringData;
    }
    if (kind === 'jobs') object.status = {};
    const stored = this.store(kind, object, 'ADDED');
    send(res, 201, stored);
    if (kind === 'jobs') this.startPod(stored);
  }

  /** What the Job controller does: one Pod from the template, owned by the Job. */
  private startPod(job: KubeObject): void {
    const name = `${job.metadata.name}-${randomUUID().slice(0, 5)}`;
    this.store(
      'pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: job.metadata.namespace,
          uid: randomUUID(),
          labels: {
            ...job.spec.template.metadata.labels,
            'batch.kubernetes.io/job-name': job.metadata.name,
            'job-name': job.metadata.name,
          },
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: job.metadata.name,
              uid: job.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: job.spec.template.spec,
        status: { phase: 'Pending' },
      },
      'ADDED',
    );
  }

  private delete(
    res: http.ServerResponse,
    kind: Kind,
    namespace: string,
    name: string,
    query: URLSearchParams,
    body: KubeObject | undefined,
  ): void {
    const object = this.get(kind, namespace, name);
    if (!object) {
      send(res, 404, notFound(kind, name));
      return;
    }
    const policy = query.get('propagationPolicy') ?? body?.propagationPolicy ?? 'Background';
    if (policy === 'Foreground') {
      // The object stays, marked for deletion, until the garbage collector has removed its dependents.
      this.update(kind, namespace, name, (o) => {
        o.metadata.deletionTimestamp = new Date().toISOString();
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), 'foregroundDeletion'];
      });
      send(res, 200, this.get(kind, namespace, name));
      setTimeout(() => this.foregroundCollect(kind, namespace, name), 20);
      return;
    }
    this.remove(kind, namespace, name);
    send(res, 200, {
      ...status(200, undefined, undefined),
      status: 'Success',
      details: { name, group: KINDS[kind].group, kind, uid: object.metadata.uid },
    });
  }

  private foregroundCollect(kind: Kind, namespace: string, name: string): void {
    const owner = this.get(kind, namespace, name);
    if (!owner) return;
    for (const pod of this.dependents(owner.metadata.uid, 'pods')) {
      // The kubelet stops the containers (SIGTERM: exit 143), then the Pod object goes.
      this.update('pods', namespace, pod.metadata.name, (p) => {
        p.metadata.deletionTimestamp = new Date().toISOString();
        p.status = { ...p.status, phase: 'Failed', containerStatuses: [terminated('runner', 143, 'Error')] };
      });
      this.remove('pods', namespace, pod.metadata.name);
    }
    this.collectDependents(owner.metadata.uid);
    this.remove(kind, namespace, name);
  }

  private collectDependents(uid: string): void {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (const dependent of this.dependents(uid, kind))
        this.remove(kind, dependent.metadata.namespace, dependent.metadata.name);
    }
  }

  private dependents(uid: string, kind: Kind): KubeObject[] {
    return [...this.objects.values()].filter(
      (o) => kindOf(o) === kind && (o.metadata.ownerReferences ?? []).some((r: KubeObject) => r.uid === uid),
    );
  }

  private watch(res: http.ServerResponse, kind: Kind, namespace: string, query: URLSearchParams): void {
    const selector = query.get('labelSelector');
    const from = query.get('resourceVersion');
    res.writeHead(200, { 'Content-Type': 'application/json' }); // no length: chunked, as the API server streams
    res.flushHeaders();
    const write = (type: string, object: KubeObject) => res.write(`${JSON.stringify({ type, object })}\n`);
    if (from && Number(from) < this.compactedThrough) {
      write('ERROR', status(410, 'Expired', `too old resource version: ${from} (${this.compactedThrough})`));
      res.end();
      return;
    }
    if (from) {
      for (const e of this.history) {
        if (
          e.rv > Number(from) &&
          e.kind === kind &&
          e.object.metadata.namespace === namespace &&
          matches(e.object, selector)
        ) {
          write(e.type, e.object);
        }
      }
    } else {
      for (const o of this.list(kind, namespace)) if (matches(o, selector)) write('ADDED', o);
    }
    const watcher: Watcher = { kind, namespace, selector, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private store(kind: Kind, object: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    this.rv += 1;
    object.metadata.resourceVersion = String(this.rv);
    this.objects.set(key(kind, object.metadata.namespace, object.metadata.name), object);
    this.publish(kind, type, object, false);
    return object;
  }

  private publish(kind: Kind, type: string, object: KubeObject, bump = true): void {
    if (bump) {
      this.rv += 1;
      object = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } };
    }
    this.history.push({ rv: this.rv, kind, type, object });
    for (const w of this.watchers) {
      if (w.kind === kind && w.namespace === object.metadata.namespace && matches(object, w.selector)) {
        w.res.write(`${JSON.stringify({ type, object })}\n`);
      }
    }
  }
}

function key(kind: Kind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
