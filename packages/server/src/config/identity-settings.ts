import { isIP } from 'node:net';
import { ConfigError } from '../errors.ts';
import type { Config } from './config.ts';
import { oneOf, optionalText, type Setting, text, url } from './settings.ts';

/** A list of IP addresses and CIDR ranges; a malformed entry names itself in the error. */
const addressList = (describe: string, fallback: string[]): Setting<string[]> => ({
  env: '',
  describe,
  default: fallback,
  parse: (raw, env) => {
    const entries = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      const maxBits = family === 6 ? 128 : 32;
      const badBits = bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > maxBits);
      if (!family || badBits || extra !== undefined) {
        throw new ConfigError(env, `"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1).`);
      }
    }
    return entries;
  },
});

/** Sign-in (OIDC, proxy) and role resolution settings. */
export const identitySettings = {
  oidcIssuer: { ...url('OIDC issuer URL (AUTH_MODE=oidc)', ['http:', 'https:']), env: 'OIDC_ISSUER' },
  oidcClientId: { ...optionalText('OIDC client id (AUTH_MODE=oidc)'), env: 'OIDC_CLIENT_ID' },
  oidcClientSecret: {
    ...optionalText('OIDC client secret; unset for a public client'),
    env: 'OIDC_CLIENT_SECRET',
  },
  oidcRedirectUrl: {
    ...url('OIDC redirect URL (default PUBLIC_URL/api/auth/oidc/callback)', ['http:', 'https:']),
    env: 'OIDC_REDIRECT_URL',
  },
  oidcScopes: {
    ...text('OIDC scopes to request (add "groups" if your provider offers it)', 'openid profile email'),
    env: 'OIDC_SCOPES',
  },
  oidcGroupsClaim: { ...text("Claim holding the user's groups", 'groups'), env: 'OIDC_GROUPS_CLAIM' },
  trustedProxies: {
    ...addressList(
      'Addresses (IPs or CIDRs) whose X-Forwarded-User/Email/Groups are trusted (AUTH_MODE=proxy)',
      ['127.0.0.1', '::1'],
    ),
    env: 'TRUSTED_PROXIES',
  },
  rbacMode: {
    ...oneOf(
      'Where project roles come from: project members in the database, or Kubernetes RBAC',
      'database',
      ['database', 'kubernetes'] as const,
    ),
    env: 'RBAC_MODE',
  },
  kubeUserPrefix: {
    ...text("Prefix of user names in SubjectAccessReviews (the API server's --oidc-username-prefix)", ''),
    env: 'KUBE_USER_PREFIX',
  },
  kubeGroupPrefix: {
    ...text('Prefix of group names in SubjectAccessReviews (--oidc-groups-prefix)', ''),
    env: 'KUBE_GROUP_PREFIX',
  },
} satisfies Record<string, Setting<unknown>>;

/** The GitHub App the platform acts as when GITHUB_MODE=github (the bundled forge brings its own). */
export const githubAppSettings = {
  githubWebUrl: {
    ...url('GitHub web URL when GITHUB_MODE=github (e.g. https://github.com)', ['http:', 'https:']),
    env: 'GITHUB_WEB_URL',
  },
  githubAppId: { ...optionalText('GitHub App id'), env: 'GITHUB_APP_ID' },
  githubAppSlug: { ...optionalText('GitHub App slug (its URL name)'), env: 'GITHUB_APP_SLUG' },
  githubAppPrivateKeyFile: {
    ...optionalText('File holding the GitHub App private key (PEM)'),
    env: 'GITHUB_APP_PRIVATE_KEY_FILE',
  },
  githubAppClientId: { ...optionalText('GitHub App OAuth client id'), env: 'GITHUB_APP_CLIENT_ID' },
  githubAppClientSecret: {
    ...optionalText('GitHub App OAuth client secret'),
    env: 'GITHUB_APP_CLIENT_SECRET',
  },
  githubAppWebhookSecret: { ...optionalText('GitHub App webhook secret'), env: 'GITHUB_APP_WEBHOOK_SECRET' },
} satisfies Record<string, Setting<unknown>>;

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkIdentityCombinations(config: Config): void {
  if (config.authMode === 'oidc') {
    if (!config.oidcIssuer) throw new ConfigError('OIDC_ISSUER', 'is required when AUTH_MODE=oidc.');
    if (!config.oidcClientId) throw new ConfigError('OIDC_CLIENT_ID', 'is required when AUTH_MODE=oidc.');
    const issuer = new URL(config.oidcIssuer);
    if (issuer.protocol === 'http:' && !loopbackHosts.has(issuer.hostname)) {
      throw new ConfigError(
        'OIDC_ISSUER',
        'must use https unless the provider runs on this machine (loopback).',
      );
    }
  }
  if (config.githubMode === 'github') {
    const required = [
      ['githubWebUrl', 'GITHUB_WEB_URL'],
      ['githubAppId', 'GITHUB_APP_ID'],
      ['githubAppSlug', 'GITHUB_APP_SLUG'],
      ['githubAppPrivateKeyFile', 'GITHUB_APP_PRIVATE_KEY_FILE'],
      ['githubAppClientId', 'GITHUB_APP_CLIENT_ID'],
      ['githubAppClientSecret', 'GITHUB_APP_CLIENT_SECRET'],
    ] as const;
    for (const [key, env] of required) {
      if (!config[key]) throw new ConfigError(env, 'is required when GITHUB_MODE=github.');
    }
    if (!/^\d+$/.test(config.githubAppId!))
      throw new ConfigError('GITHUB_APP_ID', "must be the App's numeric id.");
  }
}
