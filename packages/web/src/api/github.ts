import { http } from './http.ts';

// Shapes of packages/server/src/routes/github/schema.ts.

export interface GitHubStatus {
  linked: boolean;
  login?: string;
  githubUserId?: number;
  host?: string;
  installationIds?: number[];
  updatedAt?: string;
}

export interface Fork {
  /** `owner/name` of the fork. */
  fullName: string;
  owner: string;
  name: string;
  htmlUrl: string;
  cloneUrl: string;
  defaultBranch: string;
  private: boolean;
}

/** A full page load: the server redirects to the App's installation page and back to `/?github=linked`. */
export const githubInstallUrl = '/api/github/install';

export const githubApi = {
  status: () => http.get<GitHubStatus>('/api/github/status'),
  unlink: () => http.delete('/api/github/link'),
  forks: (repo: string) => http.get<{ items: Fork[] }>('/api/github/forks', { repo }).then((r) => r.items),
  createFork: (repo: string) => http.post<Fork>('/api/github/forks', { repo }),
};
