import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.ts';
import { ConfigError } from '../../errors.ts';
import { KubernetesLauncher } from './kubernetes-launcher.ts';
import type { RunnerPodSettings } from './manifests.ts';
import { projectNamespace } from './names.ts';

type KubernetesConfig = Pick<
  Config,
  | 'kubeconfig'
  | 'k8sNamespacePrefix'
  | 'runnerImage'
  | 'runnerPvcSize'
  | 'runnerStorageClass'
  | 'runnerJobTtlSeconds'
  | 'runnerCpuRequest'
  | 'runnerCpuLimit'
  | 'runnerMemoryRequest'
  | 'runnerMemoryLimit'
  | 'runnerRunAsUser'
  | 'runnerAgentUid'
>;

/** A Kubernetes quantity such as 500m, 2, 1.5, 4Gi or 10G. */
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** The launcher RUNNER_LAUNCHER=kubernetes selects; a bad setting throws a ConfigError naming it. */
export function kubernetesLauncherFromConfig(config: KubernetesConfig, logger: Logger): KubernetesLauncher {
  return new KubernetesLauncher({
    ...runnerPodSettings(config),
    kubeConfig: loadKubeConfig(config.kubeconfig),
    logger: logger.child({ component: 'kubernetes-launcher' }),
  });
}

/** The K8S_* and RUNNER_* settings, checked: quantities, the namespace prefix, the image. */
export function runnerPodSettings(config: KubernetesConfig): RunnerPodSettings & { namespacePrefix: string } {
  const quantity = (env: string, value: string, optional: boolean): string | undefined => {
    if (value === '' && optional) return undefined;
    if (!QUANTITY.test(value)) {
      throw new ConfigError(
        env,
        `"${value}" is not a Kubernetes quantity; expected e.g. 500m, 2, 1Gi or 10Gi.`,
      );
    }
    return value;
  };
  try {
    projectNamespace(config.k8sNamespacePrefix, 'p');
  } catch {
    throw new ConfigError(
      'K8S_NAMESPACE_PREFIX',
      `"${config.k8sNamespacePrefix}" cannot start a namespace name (a-z, 0-9, -).`,
    );
  }
  if (!config.runnerImage.trim()) throw new ConfigError('RUNNER_IMAGE', 'must name the runner image.');
  const resources = {
    cpuRequest: quantity('RUNNER_CPU_REQUEST', config.runnerCpuRequest, true),
    cpuLimit: quantity('RUNNER_CPU_LIMIT', config.runnerCpuLimit, true),
    memoryRequest: quantity('RUNNER_MEMORY_REQUEST', config.runnerMemoryRequest, true),
    memoryLimit: quantity('RUNNER_MEMORY_LIMIT', config.runnerMemoryLimit, true),
  };
  return {
    namespacePrefix: config.k8sNamespacePrefix,
    image: config.runnerImage,
    pvcSize: quantity('RUNNER_PVC_SIZE', config.runnerPvcSize, false)!,
    ...(config.runnerStorageClass ? { storageClass: config.runnerStorageClass } : {}),
    jobTtlSeconds: config.runnerJobTtlSeconds,
    resources: Object.fromEntries(Object.entries(resources).filter(([, v]) => v !== undefined)),
    ...(config.runnerRunAsUser > 0 ? { runAsUser: config.runnerRunAsUser } : {}),
    ...(config.runnerAgentUid > 0 ? { agentUid: config.runnerAgentUid } : {}),
  };
}

/**
 * KUBECONFIG (one file or a path-separated list, merged like kubectl) when set; otherwise the client's default
 * search: ~/.kube/config, then the in-cluster service account.
 */
export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  const files = (kubeconfig ?? '').split(path.delimiter).filter(Boolean);
  if (files.length === 0) {
    kc.loadFromDefault();
    return kc;
  }
  kc.loadFromFile(files[0]);
  for (const file of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more);
  }
  return kc;
}
