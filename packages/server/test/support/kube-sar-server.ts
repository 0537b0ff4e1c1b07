import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadRbacManifests, ruleAllows } from './rbac-manifests.ts';

export interface Binding {
  namespace: string;
  clusterRole: string;
  subject: { kind: 'User' | 'Group'; name: string };
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: { apiVersion: string; kind: string; spec: Record<string, unknown> };
}

/**
 * A stand-in Kubernetes API server for SubjectAccessReviews: answers POST
 * /apis/authorization.k8s.io/v1/subjectaccessreviews with the JSON the real API server returns, deciding
 * from the ClusterRoles in deploy/manifests/rbac and the given RoleBindings. Other paths get the real
 * 404 Status object; `refuse` makes it answer as for a service account without the right (403 Status).
 */
export async function startKubeSarServer(bindings: Binding[]) {
  const roles = new Map(
    loadRbacManifests()
      .filter((o) => o.kind === 'ClusterRole')
      .map((o) => [o.metadata.name, o.rules ?? []]),
  );
  const requests: RecordedRequest[] = [];
  let refuse = false;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (
        req.method !== 'POST' ||
        req.url?.split('?')[0] !== '/apis/authorization.k8s.io/v1/subjectaccessreviews'
      ) {
        return send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the server could not find the requested resource',
          reason: 'NotFound',
          details: {},
          code: 404,
        });
      }
      const body = JSON.parse(raw) as RecordedRequest['body'];
      requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      if (refuse) {
        return send(403, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message:
            'subjectaccessreviews.authorization.k8s.io is forbidden: User "system:serviceaccount:rfe-system:rfe-backend" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
          reason: 'Forbidden',
          details: { group: 'authorization.k8s.io', kind: 'subjectaccessreviews' },
          code: 403,
        });
      }
      const spec = body.spec as {
        user: string;
        groups?: string[];
        resourceAttributes: Record<string, string>;
      };
      const a = spec.resourceAttributes;
      const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource!;
      const match = bindings.find(
        (b) =>
          b.namespace === a.namespace &&
          (b.subject.kind === 'User'
            ? b.subject.name === spec.user
            : (spec.groups ?? []).includes(b.subject.name)) &&
          ruleAllows(roles.get(b.clusterRole) ?? [], a.group ?? '', resource, a.verb!),
      );
      const status = match
        ? {
            allowed: true,
            reason: `RBAC: allowed by RoleBinding "${match.clusterRole}/${match.namespace}" of ClusterRole "${match.clusterRole}" to ${match.subject.kind} "${match.subject.name}"`,
          }
        : { allowed: false };
      send(201, {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec,
        status,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: test, cluster: { server: "${url}", insecure-skip-tls-verify: true } }]
users: [{ name: rfe-backend, user: { token: backend-sa-token } }]
contexts: [{ name: test, context: { cluster: test, user: rfe-backend } }]
current-context: test
`,
  );
  return {
    url,
    kubeconfig,
    requests,
    setRefuse(value: boolean) {
      refuse = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
