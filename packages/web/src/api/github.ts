import type { ResponseOf } from './contract.ts';
import { http } from './http.ts';

export type GitHubStatus = ResponseOf<'/api/github/status', 'get'>;
type Forks = ResponseOf<'/api/github/forks', 'get'>;
export type Fork = Forks['items'][number];

/** A full page load: the server redirects to the App's installation page and back to `/?github=linked`. */
export const githubInstallUrl = '/api/github/install';

export const githubApi = {
  status: () => http.get<GitHubStatus>('/api/github/status'),
  unlink: () => http.delete('/api/github/link'),
  forks: (repo: string) => http.get<Forks>('/api/github/forks', { repo }).then((r) => r.items),
  createFork: (repo: string) =>
    http.post<ResponseOf<'/api/github/forks', 'post'>>('/api/github/forks', { repo }),
};
