/** Test support for fake-kube-api.ts: the resource table, object helpers and the Status objects the API server answers with. */
import type http from 'node:http';

export type Kind = 'jobs' | 'pods' | 'secrets' | 'persistentvolumeclaims';
// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON here.
export type KubeObject = Record<string, any>;

export const KINDS: Record<Kind, { prefix: string; apiVersion: string; kind: string; group: string }> = {
  jobs: { prefix: '/apis/batch/v1', apiVersion: 'batch/v1', kind: 'Job', group: 'batch' },
  pods: { prefix: '/api/v1', apiVersion: 'v1', kind: 'Pod', group: '' },
  secrets: { prefix: '/api/v1', apiVersion: 'v1', kind: 'Secret', group: '' },
  persistentvolumeclaims: { prefix: '/api/v1', apiVersion: 'v1', kind: 'PersistentVolumeClaim', group: '' },
};

export function status(code: number, reason: string | undefined, message: string | undefined): KubeObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    code,
  };
}

export function notFound(kind: Kind, name: string): KubeObject {
  const resource = KINDS[kind].group ? `${kind}.${KINDS[kind].group}` : kind;
  return {
    ...status(404, 'NotFound', `${resource} "${name}" not found`),
    details: { name, group: KINDS[kind].group, kind },
  };
}

export function forbidden(verb: string, kind: Kind, namespace: string, name?: string): KubeObject {
  const { group } = KINDS[kind];
  const resource = group ? `${kind}.${group}` : kind;
  return {
    ...status(
      403,
      'Forbidden',
      `${resource}${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:rfe-system:rfe-launcher" cannot ${verb} resource "${kind}" in API group "${group}" in the namespace "${namespace}"`,
    ),
    details: { ...(name ? { name } : {}), group, kind },
  };
}

export function send(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function terminated(name: string, exitCode: number, reason: string): KubeObject {
  return {
    name,
    ready: false,
    restartCount: 0,
    image: 'runner',
    state: {
      terminated: {
        exitCode,
        reason,
        startedAt: new Date().toISOString(),
        finishedAt: new Date().toISOString(),
      },
    },
  };
}

export function kindOf(o: KubeObject): Kind {
  return (
    { Job: 'jobs', Pod: 'pods', Secret: 'secrets', PersistentVolumeClaim: 'persistentvolumeclaims' } as const
  )[o.kind as 'Job'];
}

export function matches(o: KubeObject, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return o.metadata.labels?.[k] === v;
  });
}
