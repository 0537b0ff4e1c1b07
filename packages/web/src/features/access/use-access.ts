import { useQuery } from '@tanstack/react-query';
import { type Capability, projectsApi } from '../../api/projects.ts';
import { type Permission, permission } from './capabilities.ts';

export const accessKey = (p: string) => ['projects', p, 'access'] as const;

export function useAccess(project: string) {
  return useQuery({
    queryKey: accessKey(project),
    queryFn: () => projectsApi.access(project),
    staleTime: 30_000,
  });
}

/** `{ allowed, reason }` for one capability in one project. */
export function usePermission(project: string, capability: Capability): Permission {
  const { data } = useAccess(project);
  return permission(data, capability);
}
