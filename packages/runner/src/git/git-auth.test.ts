import { describe, expect, it } from 'vitest';
import { GitAuth } from './git-auth.ts';

const auth = new GitAuth([
  { url: 'https://git.example/', username: 'alice', token: 'user-token' },
  { url: 'https://git.example/alice', username: 'x-access-token', token: 'installation-token' },
  { url: 'https://other.example/acme/api.git', username: 'x-access-token', token: 'api-token' },
]);

describe('git credentials by URL', () => {
  it('the most specific prefix wins, matched on whole path segments', () => {
    expect(auth.credentialFor('https://git.example/alice/api.git')?.token).toBe('installation-token');
    expect(auth.credentialFor('https://git.example/alicex/api.git')?.token).toBe('user-token');
    expect(auth.credentialFor('https://git.example/acme/umbrella.git')?.token).toBe('user-token');
    expect(auth.credentialFor('https://other.example/acme/api')?.token).toBe('api-token');
    expect(auth.credentialFor('https://other.example/acme/web.git')).toBeUndefined();
    expect(auth.credentialFor('http://git.example/acme/umbrella.git')).toBeUndefined(); // scheme matters
  });

  it('gives git one Basic Authorization header per URL, scoped to that URL', () => {
    expect(auth.configFor(['https://git.example/alice/api.git', 'https://nowhere.example/x/y.git'])).toEqual([
      [
        'http.https://git.example/alice/api.git.extraHeader',
        `Authorization: Basic ${Buffer.from('x-access-token:installation-token').toString('base64')}`,
      ],
    ]);
  });
});
