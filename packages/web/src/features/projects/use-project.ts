import { useQuery } from '@tanstack/react-query';
import { projectsApi } from '../../api/projects.ts';
import { projectKey } from './query-keys.ts';

export function useProject(project: string) {
  return useQuery({ queryKey: projectKey(project), queryFn: () => projectsApi.get(project) });
}
