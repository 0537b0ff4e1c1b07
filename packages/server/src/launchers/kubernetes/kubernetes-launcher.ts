import {
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Job,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { LaunchSpec, RunnerExit, RunnerHandle, RunnerLauncher, RunnerState } from '../launcher.ts';
import { type ApiCall, KubernetesApiError, kubernetesApiError } from './api-errors.ts';
import {
  jobOwnerReference,
  type RunnerPodSettings,
  sessionJob,
  sessionSecret,
  sessionVolumeClaim,
} from './manifests.ts';
import { projectNamespace, RUNNER_SELECTOR, sessionObjectName } from './names.ts';
import { ResourceWatch } from './resource-watch.ts';
import { observeJob } from './runner-status.ts';
import { SessionTracker } from './session-tracker.ts';

export interface KubernetesLauncherOptions extends RunnerPodSettings {
  kubeConfig: KubeConfig;
  /** Project namespace = prefix + project name (K8S_NAMESPACE_PREFIX). */
  namespacePrefix: string;
  logger: Logger;
  /** Delay before re-watching and the cap of its backoff after errors. */
  watchRetry?: { minMs: number; maxMs: number };
}

/**
 * Runs each session as a Kubernetes Job in the project's namespace, with a Secret (runner token, Git
 * credentials) and a PersistentVolumeClaim (work directory) owned by the Job. Session status comes from
 * watching the namespace's runner Jobs and Pods while it has sessions this launcher started.
 *
 * Order: the Job is created first, because the Secret and PVC need its uid for their owner references. Its Pod
 * mounts both, so the kubelet keeps it Pending/ContainerCreating until they exist; if creating them fails the
 * Job is deleted again and garbage collection takes whatever was created.
 */
export class KubernetesLauncher implements RunnerLauncher {
  readonly kind = 'kubernetes';
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watch: Watch;
  private readonly listeners: ((exit: RunnerExit) => void)[] = [];
  private readonly tracker: SessionTracker;

  constructor(private readonly opts: KubernetesLauncherOptions) {
    this.batch = opts.kubeConfig.makeApiClient(BatchV1Api);
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.watch = new Watch(opts.kubeConfig);
    this.tracker = new SessionTracker({
      watchNamespace: (namespace) => this.watchNamespace(namespace),
      deleteJob: (namespace, sessionId) => this.deleteJobQuietly(namespace, sessionId),
      emit: (exit) => {
        for (const listener of this.listeners) listener(exit);
      },
    });
  }

  async launch(spec: LaunchSpec): Promise<RunnerHandle> {
    const namespace = projectNamespace(this.opts.namespacePrefix, spec.projectName);
    const name = sessionObjectName(spec.sessionId);
    const job = sessionJob(spec, namespace, this.opts);
    if (this.tracker.namespaceOf(spec.sessionId))
      throw new Error(`Session ${spec.sessionId} is already running.`);
    // Tracked before the Job exists so no watch event about it can be missed.
    this.tracker.track(spec.sessionId, namespace);
    let created: V1Job;
    try {
      created = await this.call({ verb: 'create', resource: 'jobs', namespace, name }, () =>
        this.batch.createNamespacedJob({ namespace, body: job }),
      );
    } catch (err) {
      this.tracker.untrack(spec.sessionId);
      throw err;
    }
    this.tracker.jobCreated(spec.sessionId);
    try {
      const owner = jobOwnerReference(created);
      await this.call({ verb: 'create', resource: 'secrets', namespace, name }, () =>
        this.core.createNamespacedSecret({ namespace, body: sessionSecret(spec, namespace, owner) }),
      );
      await this.call({ verb: 'create', resource: 'persistentvolumeclaims', namespace, name }, () =>
        this.core.createNamespacedPersistentVolumeClaim({
          namespace,
          body: sessionVolumeClaim(spec, namespace, owner, this.opts),
        }),
      );
    } catch (err) {
      this.tracker.untrack(spec.sessionId);
      await this.deleteJobQuietly(namespace, spec.sessionId);
      throw err;
    }
    this.opts.logger.info({ session: spec.sessionId, namespace, job: name }, 'runner Job created');
    return { kind: 'kubernetes', namespace, job: name };
  }

  /** The Job's status by its deterministic name: active, finished, or gone. */
  async inspect(sessionId: string, handle: RunnerHandle): Promise<RunnerState> {
    if (handle.kind !== 'kubernetes')
      return { state: 'lost', resumable: false, reason: 'not a Kubernetes runner' };
    const name = sessionObjectName(sessionId);
    let job: V1Job;
    try {
      job = await this.call({ verb: 'get', resource: 'jobs', namespace: handle.namespace, name }, () =>
        this.batch.readNamespacedJob({ name, namespace: handle.namespace }),
      );
    } catch (err) {
      if (err instanceof KubernetesApiError && err.httpStatus === 404)
        return {
          state: 'lost',
          resumable: false,
          reason: `the runner Job ${handle.namespace}/${name} no longer exists`,
        };
      throw err;
    }
    const seen = observeJob(job);
    if (seen.kind === 'complete') return { state: 'exited', exitCode: 0 };
    if (seen.kind === 'failed') return { state: 'exited', exitCode: null, reason: seen.reason };
    return { state: 'alive' };
  }

  /** Watches a Job another instance created: its exit is reported like that of a Job launched here. */
  follow(sessionId: string, handle: RunnerHandle): void {
    if (handle.kind !== 'kubernetes' || this.tracker.namespaceOf(sessionId)) return;
    this.tracker.track(sessionId, handle.namespace);
    this.tracker.jobCreated(sessionId);
  }

  /** A Job restarts its own Pods (backoffLimit); a deleted Job cannot be brought back. */
  async resume(): Promise<RunnerHandle | undefined> {
    return undefined;
  }

  /** Deletes the Job by its deterministic name, whichever instance created it. */
  async stop(sessionId: string, handle: RunnerHandle, graceMs = 3000): Promise<void> {
    if (handle.kind !== 'kubernetes') return;
    if (this.tracker.namespaceOf(sessionId)) return this.cancel(sessionId, graceMs);
    await this.deleteJob(handle.namespace, sessionId);
  }

  /** The Secret and PVC are owned by the Job; nothing else to clean up. */
  async discard(): Promise<void> {}

  /**
   * Deletes the session's Job with Foreground propagation: its Pod, Secret and PVC go first. A Job that is
   * already gone (404) counts as cancelled. Resolves when the runner's exit is reported or after graceMs.
   */
  async cancel(sessionId: string, graceMs = 3000): Promise<void> {
    const namespace = this.tracker.namespaceOf(sessionId);
    if (!namespace) return; // not running here (finished, or launched by another process)
    const exited = this.tracker.cancelling(sessionId);
    const existed = await this.deleteJob(namespace, sessionId);
    if (!existed) this.tracker.finish(sessionId, { exitCode: null, reason: 'cancelled' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    this.listeners.push(listener);
  }

  /** Stops watching. Running Jobs are left alone: their runners reconnect to the next backend. */
  async close(): Promise<void> {
    this.tracker.close();
  }

  /** True when a Job was there to delete. */
  private async deleteJob(namespace: string, sessionId: string): Promise<boolean> {
    const name = sessionObjectName(sessionId);
    try {
      await this.call({ verb: 'delete', resource: 'jobs', namespace, name }, () =>
        this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Foreground' }),
      );
      return true;
    } catch (err) {
      if (err instanceof KubernetesApiError && err.httpStatus === 404) return false;
      throw err;
    }
  }

  private async deleteJobQuietly(namespace: string, sessionId: string): Promise<void> {
    try {
      await this.deleteJob(namespace, sessionId);
    } catch (err) {
      this.opts.logger.error({ session: sessionId, namespace }, (err as Error).message);
    }
  }

  private watchNamespace(namespace: string): { stop: () => void } {
    const retry = this.opts.watchRetry ?? { minMs: 500, maxMs: 30_000 };
    const logError = (resource: string) => (err: unknown, verb: 'list' | 'watch') => {
      const error = kubernetesApiError({ verb, resource, namespace }, err);
      // A dropped stream is routine (it is re-watched); an HTTP error such as a 403 needs someone to act.
      if (error.httpStatus) this.opts.logger.error({ namespace, status: error.httpStatus }, error.message);
      else this.opts.logger.warn({ namespace }, error.message);
    };
    const jobs = new ResourceWatch<V1Job>({
      watch: this.watch,
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      labelSelector: RUNNER_SELECTOR,
      list: async () => {
        const list = await this.batch.listNamespacedJob({ namespace, labelSelector: RUNNER_SELECTOR });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
      },
      onEvent: (type, job) => this.tracker.onJob(namespace, type, job),
      onListed: (items, startedAt) => this.tracker.onJobsListed(namespace, items, startedAt),
      onError: logError('jobs'),
      retry,
    });
    const pods = new ResourceWatch<V1Pod>({
      watch: this.watch,
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: RUNNER_SELECTOR,
      list: async () => {
        const list = await this.core.listNamespacedPod({ namespace, labelSelector: RUNNER_SELECTOR });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
      },
      onEvent: (_type, pod) => this.tracker.onPod(namespace, pod),
      onError: logError('pods'),
      retry,
    });
    jobs.start();
    pods.start();
    return {
      stop: () => {
        jobs.stop();
        pods.stop();
      },
    };
  }

  private async call<T>(call: ApiCall, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw kubernetesApiError(call, err);
    }
  }
}
