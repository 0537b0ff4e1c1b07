import { useQuery } from '@tanstack/react-query';
import { type BrowseLocation, workspacesApi } from '../../api/workspaces.ts';

export function useTree(project: string, workspace: string, at: BrowseLocation) {
  return useQuery({
    queryKey: ['projects', project, 'workspaces', workspace, 'tree', at],
    queryFn: () => workspacesApi.tree(project, workspace, at),
    staleTime: 30_000,
  });
}

export function useBlob(project: string, workspace: string, at: BrowseLocation, enabled: boolean) {
  return useQuery({
    queryKey: ['projects', project, 'workspaces', workspace, 'blob', at],
    queryFn: () => workspacesApi.blob(project, workspace, at),
    enabled,
    staleTime: 30_000,
  });
}
