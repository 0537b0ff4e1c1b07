/** Test support: a KubernetesLauncher wired to a FakeKubeApi, with its exits and log lines collected. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { ulid } from 'ulid';
import {
  KubernetesLauncher,
  type KubernetesLauncherOptions,
} from '../../../src/launchers/kubernetes/kubernetes-launcher.ts';
import type { LaunchSpec, RunnerExit } from '../../../src/launchers/launcher.ts';
import { FakeKubeApi } from './fake-kube-api.ts';

export const RUNNER_TOKEN = 'rt_S3CRET_runner_token_0123456789';
export const GIT_TOKEN = 'ghs_S3CRET_installation_token_abcdef';

export function launchSpec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  const sessionId = overrides.sessionId ?? ulid();
  return {
    sessionId,
    projectName: 'demo',
    workspaceSlug: 'checkout-rfe',
    env: {
      RFE_SESSION_ID: sessionId,
      RFE_WORKSPACE_SLUG: 'checkout-rfe',
      RFE_BACKEND_WS_URL: `wss://rfe.example.com/api/runner/sessions/${sessionId}`,
      RFE_INPUT_REPO: 'https://github.com/acme/umbrella.git',
      RFE_ADAPTER: 'localexec',
      RFE_PROMPT: 'edit README.md',
      RFE_AUTHOR_NAME: 'Alice',
      RFE_AUTHOR_EMAIL: 'alice@example.com',
    },
    secrets: {
      runnerToken: RUNNER_TOKEN,
      gitCredentials: JSON.stringify({
        git: [{ url: 'https://github.com/alice/', username: 'x-access-token', token: GIT_TOKEN }],
      }),
    },
    timeoutMs: 3_600_000,
    ...overrides,
  };
}

export const podSettings = {
  image: 'registry.example.com/rfe/runner:1.2.3',
  pvcSize: '10Gi',
  storageClass: 'fast-ssd',
  jobTtlSeconds: 3600,
  resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '4Gi' },
  runAsUser: 1000,
  agentUid: 1001,
} satisfies Partial<KubernetesLauncherOptions>;

export interface Harness {
  api: FakeKubeApi;
  launcher: KubernetesLauncher;
  exits: RunnerExit[];
  logs: string[];
  nextExit: (sessionId: string, timeoutMs?: number) => Promise<RunnerExit>;
  close: () => Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const api = await FakeKubeApi.start();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const launcher = new KubernetesLauncher({
    ...podSettings,
    kubeConfig: api.kubeConfig(),
    namespacePrefix: 'rfe-',
    logger: pino({ level: 'info' }, sink),
    watchRetry: { minMs: 20, maxMs: 200 },
  });
  const exits: RunnerExit[] = [];
  launcher.onExit((exit) => exits.push(exit));
  return {
    api,
    launcher,
    exits,
    logs,
    nextExit: (sessionId, timeoutMs = 5000) =>
      until(() => exits.find((e) => e.sessionId === sessionId), timeoutMs),
    close: async () => {
      await launcher.close();
      await api.close();
    },
  };
}

/** Polls until `check` returns something; the watches deliver asynchronously. */
export async function until<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
