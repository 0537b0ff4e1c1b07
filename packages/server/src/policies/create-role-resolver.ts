import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { loadKubeConfig } from '../launchers/kubernetes/from-config.ts';
import { KubernetesRoles } from './kubernetes-roles.ts';
import { MemberRoles, type RoleResolver } from './role-resolver.ts';

/** The one place RBAC_MODE is read. The cluster is reached with the same KUBECONFIG the launcher uses. */
export function createRoleResolver(config: Config, db: Db): RoleResolver {
  if (config.rbacMode === 'database') return new MemberRoles(db);
  return new KubernetesRoles(loadKubeConfig(config.kubeconfig), {
    namespacePrefix: config.k8sNamespacePrefix,
    userPrefix: config.kubeUserPrefix,
    groupPrefix: config.kubeGroupPrefix,
    allProjects: () => db.selectFrom('projects').selectAll().orderBy('name').execute(),
  });
}
