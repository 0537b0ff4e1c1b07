import { http } from './http.ts';

export interface User {
  subject: string;
  name: string;
  email: string;
  groups: string[];
}

export type AuthMode = 'dev' | 'oidc' | 'proxy';

export interface DevUsers {
  mode: AuthMode;
  users: User[];
}

/** Where the OIDC flow starts (the server redirects to the identity provider). */
export const oidcLoginUrl = '/api/auth/oidc/login';

export const authApi = {
  me: () => http.get<User>('/api/auth/me'),
  devUsers: () => http.get<DevUsers>('/api/auth/dev-users'),
  devLogin: (user: string) => http.post<void>('/api/auth/dev-login', { user }),
  logout: () => http.post<void>('/api/auth/logout'),
};
