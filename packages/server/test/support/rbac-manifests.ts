import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const rbacManifestDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy/manifests/rbac',
);

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string; apiGroup?: string }[];
  automountServiceAccountToken?: boolean;
  file: string;
}

/** Every document of every YAML file in deploy/manifests/rbac. */
export function loadRbacManifests(): ManifestObject[] {
  return fs
    .readdirSync(rbacManifestDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(rbacManifestDir, file), 'utf8')).map((doc) => {
        if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
        return { ...(doc.toJS() as Omit<ManifestObject, 'file'>), file };
      }),
    );
}

/** Does one ClusterRole/Role grant (group, resource[/subresource], verb)? RBAC's matching, without wildcards. */
export function ruleAllows(rules: PolicyRule[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    (r) =>
      (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb),
  );
}
