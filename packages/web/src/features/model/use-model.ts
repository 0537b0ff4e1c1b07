import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ModelSettingsInput, modelApi } from '../../api/model.ts';

export const modelKey = (p: string) => ['projects', p, 'model'] as const;

export function useModelSettings(project: string) {
  return useQuery({ queryKey: modelKey(project), queryFn: () => modelApi.get(project), staleTime: 10_000 });
}

export function useSaveModelSettings(project: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ModelSettingsInput) => modelApi.put(project, input),
    onSuccess: (saved) => {
      client.setQueryData(modelKey(project), saved);
      void client.invalidateQueries({ queryKey: ['projects', project, 'audit'] });
    },
  });
}

/** The session's tokens and cost, polled while it runs so the page shows them live. */
export function useSessionUsage(project: string, session: string, live: boolean) {
  return useQuery({
    queryKey: ['projects', project, 'sessions', session, 'usage'],
    queryFn: () => modelApi.sessionUsage(project, session),
    refetchInterval: live ? 2000 : false,
  });
}

export function useProjectUsage(project: string) {
  return useQuery({
    queryKey: ['projects', project, 'usage'],
    queryFn: () => modelApi.projectUsage(project),
    refetchInterval: 10_000,
  });
}
