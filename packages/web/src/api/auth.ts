import type { ResponseOf } from './contract.ts';
import { http } from './http.ts';

export type User = ResponseOf<'/api/auth/me', 'get'>;
export type DevUsers = ResponseOf<'/api/auth/dev-users', 'get'>;
export type AuthMode = DevUsers['mode'];

/** Where the OIDC flow starts (the server redirects to the identity provider). */
export const oidcLoginUrl = '/api/auth/oidc/login';

export const authApi = {
  me: () => http.get<User>('/api/auth/me'),
  devUsers: () => http.get<DevUsers>('/api/auth/dev-users'),
  devLogin: (user: string) => http.post<void>('/api/auth/dev-login', { user }),
  logout: () => http.post<void>('/api/auth/logout'),
};
