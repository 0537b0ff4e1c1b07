import type { V1Job, V1OwnerReference, V1PersistentVolumeClaim, V1Secret } from '@kubernetes/client-node';
import type { LaunchSpec } from '../launcher.ts';
import { SECRET_KEYS, sessionLabels, sessionObjectName } from './names.ts';

/** How runner Pods are shaped; filled from the RUNNER_* settings. */
export interface RunnerPodSettings {
  image: string;
  pvcSize: string;
  /** Cluster default storage class when unset. */
  storageClass?: string;
  jobTtlSeconds: number;
  resources: { cpuRequest?: string; cpuLimit?: string; memoryRequest?: string; memoryLimit?: string };
  /**
   * Numeric uid/gid/fsGroup of a Pod without an agent uid; unset lets the platform assign one (OpenShift's
   * restricted SCC does).
   */
  runAsUser?: number;
  /**
   * The agent's uid/gid (RFE_AGENT_UID): the runner shell then runs as root with only AGENT_CAPABILITIES,
   * and every adapter process under this uid. Unset: the whole Pod runs as `runAsUser`, all capabilities
   * dropped (the restricted Pod Security Standard), and agent code shares the shell's uid.
   */
  agentUid?: number;
}

/**
 * What the shell needs to run agent code under another uid and hand it the work tree: switch user and group,
 * change owners, reach files whatever their owner and mode (taking the tree back, resuming on an agent-owned
 * one), and kill the agent's processes. All are in the baseline Pod Security Standard's allowed set.
 */
export const AGENT_CAPABILITIES = ['SETUID', 'SETGID', 'CHOWN', 'FOWNER', 'DAC_OVERRIDE', 'KILL'];

export const RUNNER_CONTAINER = 'runner';
export const CREDENTIALS_CONTAINER = 'install-credentials';
/** The built runner (scripts/build.mjs); the image carries packages/runner/dist and node_modules. */
export const RUNNER_COMMAND = ['node', 'packages/runner/dist/main.js'];
/** The Job deadline is a backstop behind the runner's own RFE_TIMEOUT_MS: image pull and volume binding count too. */
export const DEADLINE_SLACK_SECONDS = 60;

const PATHS = {
  work: '/workspace',
  workDir: '/workspace/session',
  secret: '/var/run/rfe/secret',
  credentials: '/var/run/rfe/credentials',
  home: '/home/runner',
  tmp: '/tmp',
};

/**
 * Kubelet gives a Secret volume's files the group of the Pod's fsGroup and adds group read (0440, whatever
 * defaultMode says; kubernetes/kubernetes#57923), and fsGroup is what makes the PVC writable and the root-owned
 * Secret files readable for a non-root uid. The runner refuses credential files readable by anyone but itself,
 * so this init container copies them into a memory-backed emptyDir as 0400 files owned by the runner's uid
 * (root, with an agent uid: out of the agent's reach).
 */
const COPY_CREDENTIALS = [
  "const fs = require('node:fs');",
  `for (const f of ${JSON.stringify(Object.values(SECRET_KEYS))}) {`,
  `  const to = '${PATHS.credentials}/' + f;`,
  '  fs.rmSync(to, { force: true }); // a re-run init container (sandbox recreated) finds the old 0400 copy',
  `  fs.writeFileSync(to, fs.readFileSync('${PATHS.secret}/' + f), { mode: 0o400 });`,
  '}',
].join('\n');

/**
 * The session's Job. It is created first; its Pod mounts the Secret and the PVC, which are created next with
 * owner references to the Job, so the kubelet holds the Pod (ContainerCreating / Pending) until both exist,
 * and deleting the Job garbage-collects both.
 */
export function sessionJob(spec: LaunchSpec, namespace: string, pod: RunnerPodSettings): V1Job {
  const name = sessionObjectName(spec.sessionId);
  const labels = sessionLabels(spec.sessionId, spec.projectName);
  const env = {
    ...spec.env,
    RFE_WORK_DIR: PATHS.workDir,
    RFE_RUNNER_TOKEN_FILE: `${PATHS.credentials}/${SECRET_KEYS.runnerToken}`,
    RFE_GIT_CREDENTIALS_FILE: `${PATHS.credentials}/${SECRET_KEYS.gitCredentials}`,
    RFE_TIMEOUT_MS: String(spec.timeoutMs),
    HOME: PATHS.home,
    TMPDIR: PATHS.tmp,
    ...(pod.agentUid === undefined
      ? {}
      : { RFE_AGENT_UID: String(pod.agentUid), RFE_AGENT_GID: String(pod.agentUid) }),
  };
  const { podSecurity, initSecurity, runnerSecurity } = securityOf(pod);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil(spec.timeoutMs / 1000) + DEADLINE_SLACK_SECONDS,
      ttlSecondsAfterFinished: pod.jobTtlSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false, // the runner talks to the backend, never to the Kubernetes API
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: podSecurity,
          initContainers: [
            {
              name: CREDENTIALS_CONTAINER,
              image: pod.image,
              command: ['node', '-e', COPY_CREDENTIALS],
              securityContext: initSecurity,
              resources: {
                requests: { cpu: '10m', memory: '32Mi' },
                limits: { cpu: '200m', memory: '128Mi' },
              },
              volumeMounts: [
                { name: 'session-secret', mountPath: PATHS.secret, readOnly: true },
                { name: 'credentials', mountPath: PATHS.credentials },
              ],
            },
          ],
          containers: [
            {
              name: RUNNER_CONTAINER,
              image: pod.image,
              command: RUNNER_COMMAND,
              env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
              securityContext: runnerSecurity,
              resources: resources(pod.resources),
              volumeMounts: [
                { name: 'work', mountPath: PATHS.work },
                // Writable so the runner removes the copies once read, before any agent code runs.
                { name: 'credentials', mountPath: PATHS.credentials },
                { name: 'home', mountPath: PATHS.home },
                { name: 'tmp', mountPath: PATHS.tmp },
              ],
            },
          ],
          volumes: [
            {
              name: 'session-secret',
              secret: {
                secretName: name,
                defaultMode: 0o400,
                items: Object.values(SECRET_KEYS).map((key) => ({ key, path: key })),
              },
            },
            { name: 'credentials', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            { name: 'work', persistentVolumeClaim: { claimName: name } },
            { name: 'home', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
          ],
        },
      },
    },
  };
}

/**
 * Without an agent uid: the restricted Pod Security Standard (non-root, no capabilities). With one: the
 * shell runs as root (it must switch to the agent's uid) with only AGENT_CAPABILITIES, never gaining more
 * (`allowPrivilegeEscalation: false` sets no_new_privs, so no setuid program elevates the agent either); the
 * init container runs as root with none, so the credential copies are root's 0400 files. No fsGroup: it
 * would give the agent's group the volumes.
 */
function securityOf(pod: RunnerPodSettings) {
  const locked = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true };
  const seccompProfile = { type: 'RuntimeDefault' };
  if (pod.agentUid === undefined) {
    const ids =
      pod.runAsUser === undefined
        ? {}
        : { runAsUser: pod.runAsUser, runAsGroup: pod.runAsUser, fsGroup: pod.runAsUser };
    const restricted = { ...locked, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
    return {
      podSecurity: { runAsNonRoot: true, ...ids, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile },
      initSecurity: restricted,
      runnerSecurity: restricted,
    };
  }
  const root = { ...locked, runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 };
  return {
    podSecurity: { seccompProfile },
    initSecurity: { ...root, capabilities: { drop: ['ALL'] } },
    runnerSecurity: { ...root, capabilities: { drop: ['ALL'], add: AGENT_CAPABILITIES } },
  };
}

/** Holds the session's runner token and Git credentials; only the init container mounts it. */
export function sessionSecret(spec: LaunchSpec, namespace: string, owner: V1OwnerReference): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: sessionObjectName(spec.sessionId),
      namespace,
      labels: sessionLabels(spec.sessionId, spec.projectName),
      ownerReferences: [owner],
    },
    type: 'Opaque',
    immutable: true,
    stringData: {
      [SECRET_KEYS.runnerToken]: spec.secrets.runnerToken,
      [SECRET_KEYS.gitCredentials]: spec.secrets.gitCredentials,
    },
  };
}

/** The session's work directory (clone, outbox, adapter state). */
export function sessionVolumeClaim(
  spec: LaunchSpec,
  namespace: string,
  owner: V1OwnerReference,
  pod: RunnerPodSettings,
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: sessionObjectName(spec.sessionId),
      namespace,
      labels: sessionLabels(spec.sessionId, spec.projectName),
      ownerReferences: [owner],
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: pod.pvcSize } },
      ...(pod.storageClass ? { storageClassName: pod.storageClass } : {}),
    },
  };
}

/**
 * Points a dependent at the Job. blockOwnerDeletion makes a Foreground delete of the Job wait for it; with the
 * OwnerReferencesPermissionEnforcement admission plugin (OpenShift) that needs `update` on `jobs/finalizers`.
 */
export function jobOwnerReference(job: V1Job): V1OwnerReference {
  const { name, uid } = job.metadata ?? {};
  if (!name || !uid)
    throw new Error('The created Job has no name or uid; cannot point its Secret and PVC at it.');
  return { apiVersion: 'batch/v1', kind: 'Job', name, uid, blockOwnerDeletion: true };
}

function resources(r: RunnerPodSettings['resources']) {
  const pick = (cpu?: string, memory?: string) => ({
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
  });
  return { requests: pick(r.cpuRequest, r.memoryRequest), limits: pick(r.cpuLimit, r.memoryLimit) };
}
