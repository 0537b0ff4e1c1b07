import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { loadRbacManifests, type ManifestObject } from '../../test/support/rbac-manifests.ts';
import {
  type ProjectCapability,
  type Role as ProjectRole,
  projectCapabilities,
  roleGrants,
} from './capabilities.ts';
import {
  clusterApiGroup,
  clusterCapabilities,
  clusterClusterRoles,
  ruleResource,
} from './cluster-capabilities.ts';

const models: Record<string, new (data: never) => { validate(): void }> = {
  Namespace,
  ServiceAccount,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
};

const manifests = loadRbacManifests();
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const roleRules = (m: ManifestObject) =>
  (m.rules ?? []).flatMap((r) =>
    (r.apiGroups ?? []).flatMap((g) =>
      (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g || 'core'} ${res} ${v}`)),
    ),
  );

/** The controllers' needs, explicitly. Anything a manifest grants beyond this list fails the test. */
const controllerAllowList: Record<string, string[]> = {
  'rfe-backend': ['authorization.k8s.io subjectaccessreviews create', 'core namespaces get'],
  // Exactly what launchers/kubernetes calls (see the comment in runner-launcher.yaml).
  'rfe-runner-launcher': [
    'batch jobs create',
    'batch jobs delete',
    'batch jobs list',
    'batch jobs watch',
    'batch jobs/finalizers update',
    'core secrets create',
    'core persistentvolumeclaims create',
    'core pods list',
    'core pods watch',
  ],
};

/** What SPEC §7 gives each project role, in the terms of cluster-capabilities.ts. */
function projectRoleAllowList(role: ProjectRole): string[] {
  return (Object.keys(projectCapabilities) as ProjectCapability[])
    .filter((c) => roleGrants(role, c))
    .map((c) => `${clusterApiGroup} ${ruleResource(clusterCapabilities[c])} ${clusterCapabilities[c].verb}`);
}

describe('cluster RBAC manifests (deploy/manifests/rbac)', () => {
  it('every object is a valid Kubernetes object of a kind we expect (kubernetes-models, offline)', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const m of manifests) {
      const Model = models[m.kind];
      expect(Model, `${m.file}: unexpected kind ${m.kind}`).toBeDefined();
      const { file: _file, ...data } = m;
      expect(
        () => new Model!(data as never).validate(),
        `${m.file}: ${m.kind}/${m.metadata.name}`,
      ).not.toThrow();
    }
  });

  it('the project ClusterRoles grant exactly what SPEC §7 gives view, edit and admin', () => {
    for (const [role, name] of Object.entries(clusterClusterRoles) as [ProjectRole, string][]) {
      const manifest = byKind('ClusterRole').find((m) => m.metadata.name === name);
      expect(manifest, name).toBeDefined();
      expect(new Set(roleRules(manifest!)), name).toEqual(new Set(projectRoleAllowList(role)));
    }
  });

  it('the backend and launcher roles grant nothing beyond the explicit allow-list', () => {
    const roles = [...byKind('ClusterRole'), ...byKind('Role')].filter(
      (m) => !Object.values(clusterClusterRoles).includes(m.metadata.name),
    );
    expect(roles.map((r) => r.metadata.name).sort()).toEqual(Object.keys(controllerAllowList).sort());
    for (const role of roles) {
      const extra = roleRules(role).filter(
        (rule) => !controllerAllowList[role.metadata.name]!.includes(rule),
      );
      expect(extra, role.metadata.name).toEqual([]);
    }
  });

  it('no wildcards, no non-resource URLs, no resource names, and no escalate, bind or impersonate anywhere', () => {
    for (const m of [...byKind('ClusterRole'), ...byKind('Role')]) {
      for (const rule of m.rules ?? []) {
        const values = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
        expect(
          values.filter((v) => v.includes('*')),
          m.metadata.name,
        ).toEqual([]);
        expect(rule.nonResourceURLs, m.metadata.name).toBeUndefined();
        expect(
          rule.verbs.filter((v) => ['escalate', 'bind', 'impersonate'].includes(v)),
          m.metadata.name,
        ).toEqual([]);
        expect(rule.apiGroups ?? [], m.metadata.name).not.toContain('rbac.authorization.k8s.io');
      }
    }
  });

  it('Secrets are reachable only in project namespaces, never cluster-wide, and never read, listed or watched', () => {
    const touchesSecrets = (name: string) =>
      byKind('ClusterRole')
        .filter((r) => r.metadata.name === name)
        .some((r) => roleRules(r).some((rule) => rule.startsWith('core secrets ')));
    const clusterWide = byKind('ClusterRoleBinding').filter((b) => touchesSecrets(b.roleRef!.name));
    expect(clusterWide.map((b) => b.metadata.name)).toEqual([]);
    const secretVerbs = manifests.flatMap(roleRules).filter((r) => r.startsWith('core secrets '));
    expect(secretVerbs.filter((r) => / (get|list|watch)$/.test(r))).toEqual([]);
    for (const b of byKind('RoleBinding').filter((b) => touchesSecrets(b.roleRef!.name))) {
      expect(b.metadata.namespace, b.metadata.name).not.toBe('rfe-system');
      expect(b.metadata.namespace, b.metadata.name).not.toBe('kube-system');
    }
  });

  it('bindings point at roles and service accounts that exist; runner pods get no API access', () => {
    const roleNames = new Set(byKind('ClusterRole').map((r) => r.metadata.name));
    const accounts = new Set(
      byKind('ServiceAccount').map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
    );
    for (const b of [...byKind('ClusterRoleBinding'), ...byKind('RoleBinding')]) {
      expect(roleNames.has(b.roleRef!.name), `${b.metadata.name} → ${b.roleRef!.name}`).toBe(true);
      for (const s of b.subjects ?? []) {
        if (s.kind === 'ServiceAccount')
          expect(accounts.has(`${s.namespace}/${s.name}`), `${b.metadata.name} → ${s.name}`).toBe(true);
      }
    }
    // Runner pods run as their namespace's default service account with no token; nothing may bind it.
    const runnerBindings = manifests.filter((m) =>
      m.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === 'default'),
    );
    expect(runnerBindings).toEqual([]);
    const launcherClusterWide = byKind('ClusterRoleBinding').filter(
      (b) => b.roleRef!.name === 'rfe-runner-launcher',
    );
    expect(launcherClusterWide, 'the launcher is bound per project namespace only').toEqual([]);
  });
});
