import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { githubApi } from '../../api/github.ts';

export const githubStatusKey = ['github', 'status'] as const;
export const forksKey = (repo: string) => ['github', 'forks', repo] as const;

export function useGitHubStatus() {
  return useQuery({ queryKey: githubStatusKey, queryFn: githubApi.status });
}

export function useUnlinkGitHub() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: githubApi.unlink,
    onSuccess: () => client.invalidateQueries({ queryKey: ['github'] }),
  });
}

export function useForks(repo: string, enabled = true) {
  return useQuery({
    queryKey: forksKey(repo),
    queryFn: () => githubApi.forks(repo),
    enabled: enabled && /^[^/\s]+\/[^/\s]+$/.test(repo),
  });
}

export function useCreateFork(repo: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => githubApi.createFork(repo),
    onSuccess: () => client.invalidateQueries({ queryKey: forksKey(repo) }),
  });
}
