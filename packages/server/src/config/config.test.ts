import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig, settings } from './config.ts';

describe('configuration', () => {
  it('has an embedded default for every setting: SQLite, directory store, dev login, forge, port 8080', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      objectStore: 'directory',
      authMode: 'dev',
      githubMode: 'forge',
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('.rfe')).toBe(true);
  });

  it('every setting has its own environment variable', () => {
    const envs = Object.values(settings).map((s) => s.env);
    expect(envs.every((e) => /^[A-Z][A-Z0-9_]+$/.test(e))).toBe(true);
    expect(new Set(envs).size).toBe(envs.length);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT', 'whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT', 'whole number'],
    [{ AUTH_MODE: 'ldap' }, 'AUTH_MODE', 'dev, oidc, proxy'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'postgres:'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'not a URL'],
    [{ S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE', 'true or false'],
    [{ OBJECT_STORE: 's3' }, 'S3_BUCKET', 'required when OBJECT_STORE=s3'],
    [{ GITHUB_MODE: 'github' }, 'GITHUB_API_URL', 'required'],
  ])('refuses %o naming %s and what is accepted', (env, name, accepted) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(name);
    expect((error as Error).message).toContain(accepted);
  });

  it('dev login refuses to listen on a non-loopback address unless explicitly forced', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/ALLOW_DEV_AUTH_ON_NETWORK/);
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_DEV_AUTH_ON_NETWORK: 'true' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'proxy' }).host).toBe('0.0.0.0');
  });
});

describe('configuration docs', () => {
  it('docs/configuration.md lists every setting as the code defines it (run `npm run docs:config`)', async () => {
    const fs = await import('node:fs');
    const { configDocsPath, renderConfigDocs } = await import('./config-docs.ts');
    expect(fs.readFileSync(configDocsPath, 'utf8')).toBe(renderConfigDocs());
  });
});
