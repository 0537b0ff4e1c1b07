import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { membersApi } from '../../api/members.ts';
import type { Role } from '../../api/projects.ts';

export const membersKey = (p: string) => ['projects', p, 'members'] as const;

export function useMembers(project: string) {
  return useQuery({ queryKey: membersKey(project), queryFn: () => membersApi.list(project) });
}

/** Adds a member or changes a role (PUT is both). */
export function usePutMember(project: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ subject, role }: { subject: string; role: Role }) =>
      membersApi.put(project, subject, role),
    onSuccess: () => client.invalidateQueries({ queryKey: ['projects', project] }),
  });
}

export function useRemoveMember(project: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (subject: string) => membersApi.remove(project, subject),
    onSuccess: () => client.invalidateQueries({ queryKey: ['projects', project] }),
  });
}
