import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { authApi } from '../../api/auth.ts';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';

export const meKey = ['me'] as const;

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: authApi.me, staleTime: 5 * 60_000, retry: false });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: authApi.logout,
    onSuccess: () => {
      client.clear();
      navigate(paths.signIn(), { replace: true });
    },
  });
}
