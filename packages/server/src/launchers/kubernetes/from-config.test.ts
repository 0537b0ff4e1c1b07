import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { ConfigError } from '../../errors.ts';
import { kubernetesLauncherFromConfig, loadKubeConfig, runnerPodSettings } from './from-config.ts';

describe('kubernetes launcher settings', () => {
  it('default to the process launcher, and to namespaces rfe-{project} with modest runner resources', () => {
    const config = loadConfig({});
    expect(config.runnerLauncher).toBe('process');
    expect(runnerPodSettings(config)).toEqual({
      namespacePrefix: 'rfe-',
      image: 'rfe-workbench/runner:latest',
      pvcSize: '10Gi',
      jobTtlSeconds: 3600,
      resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '4Gi' },
      runAsUser: 1000,
      agentUid: 1001,
    });
  });

  it('are read from the environment; empty limits and RUNNER_RUN_AS_USER=0 leave those to the cluster; RUNNER_AGENT_UID=0 gives the agent no uid of its own', () => {
    const config = loadConfig({
      RUNNER_LAUNCHER: 'kubernetes',
      K8S_NAMESPACE_PREFIX: 'team-',
      RUNNER_IMAGE: 'quay.io/acme/rfe-runner:2.0.0',
      RUNNER_PVC_SIZE: '50Gi',
      RUNNER_STORAGE_CLASS: 'gp3',
      RUNNER_JOB_TTL_SECONDS: '600',
      RUNNER_CPU_LIMIT: '',
      RUNNER_MEMORY_LIMIT: '8Gi',
      RUNNER_RUN_AS_USER: '0',
      RUNNER_AGENT_UID: '0',
    });
    expect(config.runnerLauncher).toBe('kubernetes');
    expect(runnerPodSettings(config)).toEqual({
      namespacePrefix: 'team-',
      image: 'quay.io/acme/rfe-runner:2.0.0',
      pvcSize: '50Gi',
      storageClass: 'gp3',
      jobTtlSeconds: 600,
      resources: { cpuRequest: '500m', memoryRequest: '1Gi', memoryLimit: '8Gi' },
    });
  });

  it.each([
    [{ RUNNER_LAUNCHER: 'docker' }, 'RUNNER_LAUNCHER', 'process, kubernetes'],
    [{ RUNNER_JOB_TTL_SECONDS: '-1' }, 'RUNNER_JOB_TTL_SECONDS', 'whole number'],
    [{ RUNNER_CPU_LIMIT: 'two cores' }, 'RUNNER_CPU_LIMIT', 'not a Kubernetes quantity'],
    [{ RUNNER_PVC_SIZE: '' }, 'RUNNER_PVC_SIZE', 'not a Kubernetes quantity'],
    [{ RUNNER_MEMORY_REQUEST: '1GB' }, 'RUNNER_MEMORY_REQUEST', 'e.g. 500m, 2, 1Gi'],
    [{ K8S_NAMESPACE_PREFIX: 'RFE_' }, 'K8S_NAMESPACE_PREFIX', 'cannot start a namespace name'],
  ])('refuse %o naming %s', (env, name, accepted) => {
    let error: unknown;
    try {
      runnerPodSettings(loadConfig(env));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(name);
    expect((error as Error).message).toContain(accepted);
  });

  it('load KUBECONFIG (a path-separated list, merged like kubectl)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-kubeconfig-'));
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const a = file(
      'a.yaml',
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: prod, cluster: {server: "https://k8s.example.com:6443"}}]',
        'users: [{name: launcher, user: {token: abc}}]',
        'contexts: [{name: prod, context: {cluster: prod, user: launcher}}]',
        'current-context: prod',
      ].join('\n'),
    );
    const b = file(
      'b.yaml',
      'apiVersion: v1\nkind: Config\nclusters: [{name: dev, cluster: {server: "https://dev.example.com"}}]\n',
    );
    const kc = loadKubeConfig([a, b].join(path.delimiter));
    expect(kc.getCurrentCluster()?.server).toBe('https://k8s.example.com:6443');
    expect(kc.getClusters().map((c) => c.name)).toEqual(['prod', 'dev']);
    const launcher = kubernetesLauncherFromConfig(
      { ...loadConfig({}), kubeconfig: a },
      pino({ level: 'silent' }),
    );
    expect(launcher.kind).toBe('kubernetes');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
