import { AuthorizationV1Api, type KubeConfig, type V1SubjectAccessReview } from '@kubernetes/client-node';
import type { ProjectsTable } from '../db/schema.ts';
import type { User } from '../db/users.ts';
import { UpstreamError } from '../errors.ts';
import { projectNamespace } from '../launchers/kubernetes/names.ts';
import type { Role } from './capabilities.ts';
import { clusterApiGroup, clusterCapabilities, roleProbes } from './cluster-capabilities.ts';
import type { RoleResolver } from './role-resolver.ts';

const CACHE_MS = 10_000;

/**
 * RBAC_MODE=kubernetes: the role is whatever the cluster's RBAC says, asked with SubjectAccessReviews in the
 * project's namespace (K8S_NAMESPACE_PREFIX + name, as the launcher names it) (bindings of the ambient-project-* ClusterRoles). Answers are cached for 10 s per
 * user and namespace so a page load does not turn into dozens of reviews.
 */
export class KubernetesRoles implements RoleResolver {
  private readonly api: AuthorizationV1Api;
  private readonly cache = new Map<string, { role: Role | null; until: number }>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly opts: {
      namespacePrefix?: string;
      userPrefix?: string;
      groupPrefix?: string;
      now?: () => number;
      /** Every project on the platform; the list shows those where the cluster grants the user a role. */
      allProjects?: () => Promise<ProjectsTable[]>;
    } = {},
  ) {
    this.api = kubeConfig.makeApiClient(AuthorizationV1Api);
  }

  async roleOf(project: ProjectsTable, user: User): Promise<Role | null> {
    const now = this.opts.now?.() ?? Date.now();
    const key = JSON.stringify([project.name, user.subject, user.groups]);
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.role;
    let role: Role | null = null;
    const namespace = this.namespaceOf(project.name);
    for (const [candidate, capability] of namespace ? roleProbes : []) {
      if (await this.allowed(namespace!, user, capability)) {
        role = candidate;
        break;
      }
    }
    this.cache.set(key, { role, until: now + CACHE_MS });
    return role;
  }

  /** The projects in whose namespace the user's SubjectAccessReviews grant a role. */
  async projectsFor(user: User): Promise<ProjectsTable[]> {
    const all = (await this.opts.allProjects?.()) ?? [];
    const roles = await Promise.all(all.map((p) => this.roleOf(p, user)));
    return all.filter((_, i) => roles[i] !== null);
  }

  /** Roles are RoleBindings in the cluster here: the members API does not write them. */
  membersReadOnly(project: ProjectsTable): string {
    const namespace = this.namespaceOf(project.name) ?? `${this.opts.namespacePrefix ?? ''}${project.name}`;
    return `Roles come from the cluster (RBAC_MODE=kubernetes), so members are not written here: create or delete a RoleBinding in namespace ${namespace} that binds the ClusterRole ambient-project-view, ambient-project-edit or ambient-project-admin to the user or group (e.g. kubectl create rolebinding alice-edit -n ${namespace} --clusterrole=ambient-project-edit --user=${this.opts.userPrefix ?? ''}alice).`;
  }

  /** The namespace the launcher uses for the project; null when prefix + name is no valid namespace name. */
  private namespaceOf(projectName: string): string | null {
    try {
      return projectNamespace(this.opts.namespacePrefix ?? '', projectName);
    } catch {
      return null;
    }
  }

  private async allowed(
    namespace: string,
    user: User,
    capability: keyof typeof clusterCapabilities,
  ): Promise<boolean> {
    const { resource, subresource, verb } = clusterCapabilities[capability];
    const body: V1SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: `${this.opts.userPrefix ?? ''}${user.subject}`,
        groups: user.groups.map((g) => `${this.opts.groupPrefix ?? ''}${g}`),
        resourceAttributes: { namespace, group: clusterApiGroup, resource, subresource, verb },
      },
    };
    try {
      const review = await this.api.createSubjectAccessReview({ body });
      return review.status?.allowed === true && review.status.denied !== true;
    } catch (err) {
      throw new UpstreamError(
        'kubernetes_unavailable',
        `Could not ask the Kubernetes API who may do what: ${(err as Error).message}`,
      );
    }
  }
}
