import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateWorkspaceInput, workspacesApi } from '../../api/workspaces.ts';

export const workspacesKey = (p: string) => ['projects', p, 'workspaces'] as const;
export const workspaceKey = (p: string, w: string) => ['projects', p, 'workspaces', w] as const;

export function useWorkspaces(project: string) {
  return useQuery({ queryKey: workspacesKey(project), queryFn: () => workspacesApi.list(project) });
}

export function useWorkspace(project: string, workspace: string) {
  return useQuery({
    queryKey: workspaceKey(project, workspace),
    queryFn: () => workspacesApi.get(project, workspace),
  });
}

/** Kept current by the server (webhooks + periodic sync); polled here so the page follows it. */
export function useWorkspaceStatus(project: string, workspace: string) {
  return useQuery({
    queryKey: [...workspaceKey(project, workspace), 'status'],
    queryFn: () => workspacesApi.status(project, workspace),
    refetchInterval: 15_000,
  });
}

export function useSyncWorkspace(project: string, workspace: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => workspacesApi.sync(project, workspace),
    onSuccess: (status) => client.setQueryData([...workspaceKey(project, workspace), 'status'], status),
  });
}

export function useCreateWorkspace(project: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateWorkspaceInput) => workspacesApi.create(project, input),
    onSuccess: () => client.invalidateQueries({ queryKey: workspacesKey(project) }),
  });
}
