import fs from 'node:fs';
import type { Config } from '../config/config.ts';
import type { AppContext } from '../context.ts';
import { AppError, ConfigError } from '../errors.ts';
import { GitHubClient } from './github-client.ts';
import { createGitHubMetrics } from './github-metrics.ts';
import { TokenBroker } from './token-broker.ts';

export interface GithubAppCredentials {
  id: number;
  slug: string;
  clientId: string;
  clientSecret: string;
  privateKeyPem: string;
  webhookSecret: string;
}

/** A Git host and the App the platform acts as there: github.com, GitHub Enterprise Server or the forge. */
export interface GithubSettings {
  /** Octokit's baseUrl, e.g. https://api.github.com or {forge}/api/v3. */
  apiUrl: string;
  /** Where browsers go: App installation and OAuth pages, e.g. https://github.com. */
  webUrl: string;
  app: GithubAppCredentials;
  /** Gap between content-creating requests; GitHub asks for ≥ 1 s (tests shorten it). */
  writeGapMs?: number;
}

export interface GithubServices extends GithubSettings {
  /** host[:port] of webUrl, recorded on each GitHub link. */
  host: string;
  broker: TokenBroker;
  /** The one client layer for API calls made as users and installations (ETag cache, retries, spacing). */
  client: GitHubClient;
}

/** GITHUB_MODE=github: the App from configuration. With the forge, its starter attaches the forge's App. */
export function githubSettingsFromConfig(config: Config): GithubSettings | undefined {
  if (config.githubMode !== 'github') return undefined;
  let privateKeyPem: string;
  try {
    privateKeyPem = fs.readFileSync(config.githubAppPrivateKeyFile!, 'utf8');
  } catch (err) {
    throw new ConfigError('GITHUB_APP_PRIVATE_KEY_FILE', `cannot be read: ${(err as Error).message}`);
  }
  return {
    apiUrl: config.githubApiUrl!,
    webUrl: config.githubWebUrl!,
    app: {
      id: Number(config.githubAppId),
      slug: config.githubAppSlug!,
      clientId: config.githubAppClientId!,
      clientSecret: config.githubAppClientSecret!,
      privateKeyPem,
      webhookSecret: config.githubAppWebhookSecret ?? '',
    },
  };
}

/** Connects the context to a Git host: from then on linking, forks and the token broker work. */
export function attachGithub(ctx: AppContext, settings: GithubSettings): GithubServices {
  const host = new URL(settings.webUrl).host;
  const services: GithubServices = {
    ...settings,
    host,
    broker: new TokenBroker({ settings, db: ctx.db, secretBox: ctx.secretBox, logger: ctx.logger }),
    client: new GitHubClient({
      apiUrl: settings.apiUrl,
      metrics: createGitHubMetrics(ctx.metrics.registry),
      writeGapMs: settings.writeGapMs,
    }),
  };
  ctx.github = services;
  return services;
}

export function requireGithub(ctx: AppContext): GithubServices {
  if (!ctx.github) {
    throw new AppError(
      503,
      'github_unavailable',
      'No Git host is connected to the platform yet; try again shortly or check GITHUB_MODE.',
    );
  }
  return ctx.github;
}
