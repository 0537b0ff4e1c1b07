import { CREDENTIALS_CONTAINER, RUNNER_CONTAINER } from './manifests.ts';

/** The parts of a Pod the launcher reads (watch events carry raw JSON; lists carry the client's models). */
export interface PodLike {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: unknown };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    initContainerStatuses?: ContainerStatusLike[];
    containerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerStatusLike {
  name: string;
  image?: string;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode: number; reason?: string; message?: string };
  };
}

export interface JobLike {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: unknown };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export type PodObservation =
  | { kind: 'running' }
  /** The runner is finished: report this exit. */
  | { kind: 'exited'; exitCode: number | null; reason?: string }
  /** Terminated while being deleted (deadline, cancel, eviction): keep the code, let the Job say why. */
  | { kind: 'stopping'; exitCode: number | null }
  /** Will never start without someone fixing something: report, and delete the Job rather than wait for the deadline. */
  | { kind: 'fail-fast'; reason: string };

export type JobObservation = { kind: 'active' } | { kind: 'complete' } | { kind: 'failed'; reason: string };

const IMAGE_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_FAILURES = new Set(['CreateContainerConfigError']);
/** Termination reasons worth passing on; `Completed` and `Error` add nothing to the exit code. */
const NOTABLE_TERMINATIONS = new Set(['OOMKilled', 'ContainerCannotRun', 'StartError', 'DeadlineExceeded']);

export function observePod(pod: PodLike): PodObservation {
  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  const inits = pod.status?.initContainerStatuses ?? [];
  const mains = pod.status?.containerStatuses ?? [];
  for (const status of [...inits, ...mains]) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    const detail = waiting.message ? `: ${waiting.message}` : '';
    if (IMAGE_FAILURES.has(waiting.reason)) {
      return {
        kind: 'fail-fast',
        reason: `The runner image "${status.image ?? '?'}" could not be pulled (${waiting.reason})${detail}. Check RUNNER_IMAGE and the namespace's image pull secrets.`,
      };
    }
    if (CONFIG_FAILURES.has(waiting.reason)) {
      return {
        kind: 'fail-fast',
        reason: `The runner container could not be created (${waiting.reason})${detail}.`,
      };
    }
  }
  const init = inits.find((s) => s.name === CREDENTIALS_CONTAINER)?.state?.terminated;
  if (init && init.exitCode !== 0) {
    if (deleting) return { kind: 'stopping', exitCode: null };
    return {
      kind: 'exited',
      exitCode: null,
      reason: `Installing the session credentials failed (exit ${init.exitCode}${init.message ? `: ${init.message}` : ''}).`,
    };
  }
  const runner = mains.find((s) => s.name === RUNNER_CONTAINER)?.state?.terminated;
  if (runner) {
    if (deleting) return { kind: 'stopping', exitCode: runner.exitCode };
    const notable = runner.reason && NOTABLE_TERMINATIONS.has(runner.reason);
    return { kind: 'exited', exitCode: runner.exitCode, ...(notable ? { reason: runner.reason } : {}) };
  }
  if (pod.status?.phase === 'Failed' && !deleting) {
    // Evicted, node lost, …: no container state to read.
    const why = [pod.status.reason, pod.status.message].filter(Boolean).join(': ');
    return { kind: 'exited', exitCode: null, reason: `The runner Pod failed${why ? ` (${why})` : ''}.` };
  }
  return { kind: 'running' };
}

export function observeJob(job: JobLike): JobObservation {
  const conditions = (job.status?.conditions ?? []).filter((c) => c.status === 'True');
  if (conditions.some((c) => c.type === 'Complete' || c.type === 'SuccessCriteriaMet'))
    return { kind: 'complete' };
  // FailureTarget (Kubernetes ≥ 1.31) comes first, Failed once the Pods are gone; either is final.
  const failed =
    conditions.find((c) => c.type === 'Failed') ?? conditions.find((c) => c.type === 'FailureTarget');
  if (failed)
    return { kind: 'failed', reason: [failed.reason ?? 'Failed', failed.message].filter(Boolean).join(': ') };
  return { kind: 'active' };
}
