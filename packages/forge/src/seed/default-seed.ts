import type { ForgeSeed } from '../types.ts';

const apiPackage = `{
  "name": "@acme/api",
  "version": "1.0.0",
  "private": true,
  "type": "module",
  "scripts": { "start": "node src/index.js" }
}
`;

const webPackage = `{
  "name": "@acme/web",
  "version": "1.0.0",
  "private": true,
  "type": "module",
  "scripts": { "start": "node src/main.js" }
}
`;

/**
 * The demo world: org `acme` with the PUBLIC umbrella pinning two PRIVATE components (`acme/api`,
 * `acme/web`) as submodules, so both visibilities are exercised. alice owns acme, bob reads it, carol reads
 * it except acme/web. The App is installed on `acme` (all repositories) — the setup the platform documents:
 * it reads upstreams through that installation and users' access tokens reach acme through it — and on each
 * user's personal account, where sessions push to their forks.
 */
export const defaultSeed: ForgeSeed = {
  users: [
    { login: 'alice', name: 'Alice Admin', email: 'alice@example.com' },
    { login: 'bob', name: 'Bob Reader', email: 'bob@example.com' },
    { login: 'carol', name: 'Carol Contractor', email: 'carol@example.com' },
  ],
  orgs: [
    {
      login: 'acme',
      name: 'Acme Corp',
      members: [
        { login: 'alice', role: 'admin' },
        { login: 'bob', role: 'read' },
        { login: 'carol', role: 'read' },
      ],
    },
  ],
  repos: [
    {
      owner: 'acme',
      name: 'api',
      private: true,
      description: 'Acme API service',
      files: {
        'README.md': '# acme/api\n\nThe Acme API service.\n',
        'src/index.js': 'export function handler() {\n  return { ok: true };\n}\n',
        'package.json': apiPackage,
      },
    },
    {
      owner: 'acme',
      name: 'web',
      private: true,
      description: 'Acme web front end',
      collaborators: { carol: 'none' },
      files: {
        'README.md': '# acme/web\n\nThe Acme web front end.\n',
        'src/main.js': "console.log('acme web');\n",
        'package.json': webPackage,
      },
    },
    {
      owner: 'acme',
      name: 'umbrella',
      private: false,
      description: 'Acme umbrella: specs and component pins',
      files: { 'README.md': '# acme/umbrella\n\nSpecs live here; components are submodules under repos/.\n' },
      submodules: [
        { path: 'repos/api', repo: 'acme/api' },
        { path: 'repos/web', repo: 'acme/web' },
      ],
    },
  ],
  app: {
    id: 1,
    slug: 'rfe-workbench',
    name: 'RFE Workbench',
    owner: 'acme',
    permissions: {
      contents: 'write',
      metadata: 'read',
      pull_requests: 'write',
      workflows: 'write',
      administration: 'write',
    },
    events: ['push', 'pull_request'],
  },
  installations: [{ account: 'acme' }, { account: 'alice' }, { account: 'bob' }, { account: 'carol' }],
};

/**
 * The default world with the App NOT installed on `acme` (only on the users' accounts): what a platform
 * meets before an organization owner installs it. User access tokens then reach only the public umbrella
 * (read-only) and nothing private of acme.
 */
export const seedWithoutOrgInstallation: ForgeSeed = {
  ...defaultSeed,
  installations: (defaultSeed.installations ?? []).filter((i) => i.account !== 'acme'),
};
