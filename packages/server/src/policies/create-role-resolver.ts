import { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { KubernetesRoles } from './kubernetes-roles.ts';
import { MemberRoles, type RoleResolver } from './role-resolver.ts';

/** The one place RBAC_MODE is read. */
export function createRoleResolver(config: Config, db: Db): RoleResolver {
  if (config.rbacMode === 'database') return new MemberRoles(db);
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig) kubeConfig.loadFromFile(config.kubeconfig);
  else kubeConfig.loadFromCluster();
  return new KubernetesRoles(kubeConfig, { userPrefix: config.kubeUserPrefix, groupPrefix: config.kubeGroupPrefix });
}
