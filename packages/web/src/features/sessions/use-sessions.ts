import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  isActive,
  type Session,
  type SessionFilter,
  type SpecifyInput,
  type StartSessionInput,
  sessionsApi,
} from '../../api/sessions.ts';

export const sessionsKey = (p: string) => ['projects', p, 'sessions'] as const;

// Live enough for a dashboard: poll quickly while anything runs, slowly otherwise.
const pollWhileActive = (sessions: Session[] | undefined) => (sessions?.some(isActive) ? 3000 : 15_000);

export function useSessions(project: string, filter: SessionFilter = {}) {
  return useQuery({
    queryKey: [...sessionsKey(project), filter],
    queryFn: () => sessionsApi.list(project, filter),
    refetchInterval: (q) => pollWhileActive(q.state.data),
  });
}

export function useSession(project: string, session: string) {
  return useQuery({
    queryKey: [...sessionsKey(project), 'one', session],
    queryFn: () => sessionsApi.get(project, session),
    refetchInterval: (q) => (q.state.data && isActive(q.state.data) ? 3000 : false),
  });
}

export function useStartSession(project: string, workspace: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: StartSessionInput) => sessionsApi.start(project, workspace, input),
    onSuccess: () => client.invalidateQueries({ queryKey: sessionsKey(project) }),
  });
}

export function useRunSpecify(project: string, workspace: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SpecifyInput) => sessionsApi.specify(project, workspace, input),
    onSuccess: () => client.invalidateQueries({ queryKey: sessionsKey(project) }),
  });
}

export function useCancelSession(project: string, session: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => sessionsApi.cancel(project, session, 'cancelled from the web UI'),
    onSuccess: () => client.invalidateQueries({ queryKey: sessionsKey(project) }),
  });
}
