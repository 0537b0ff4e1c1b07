import type { RunnerExit } from '../launcher.ts';
import { SESSION_LABEL } from './names.ts';
import type { WatchEventType } from './resource-watch.ts';
import { type JobLike, observeJob, observePod, type PodLike } from './runner-status.ts';

interface TrackedSession {
  sessionId: string;
  namespace: string;
  /** Monotonic time the Job creation returned; a Job list started later must contain it. */
  createdAt?: number;
  cancelling: boolean;
  /** Exit code of a runner container that was stopped by its Pod's deletion (for the reason text). */
  stoppedWith?: number | null;
  exited: Promise<void>;
  markExited: () => void;
}

export interface SessionTrackerDeps {
  /** Starts watching the namespace's runner Jobs and Pods; called when its first session is tracked. */
  watchNamespace: (namespace: string) => { stop: () => void };
  deleteJob: (namespace: string, sessionId: string) => Promise<void>;
  emit: (exit: RunnerExit) => void;
}

/**
 * Turns what the watches see into exactly one RunnerExit per launched session. The Pod says how the runner
 * ended (its exit code) unless the Pod is being deleted; then the runner was stopped (exit code null, as for a
 * killed process) and the Job says why: deadline, cancel, deletion.
 */
export class SessionTracker {
  private readonly sessions = new Map<string, TrackedSession>();
  private readonly watches = new Map<string, { stop: () => void; sessions: number }>();

  constructor(private readonly deps: SessionTrackerDeps) {}

  track(sessionId: string, namespace: string): void {
    let markExited = () => {};
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    this.sessions.set(sessionId, { sessionId, namespace, cancelling: false, exited, markExited });
    const watch = this.watches.get(namespace);
    if (watch) watch.sessions += 1;
    else this.watches.set(namespace, { ...this.deps.watchNamespace(namespace), sessions: 1 });
  }

  jobCreated(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (s) s.createdAt = performance.now();
  }

  namespaceOf(sessionId: string): string | undefined {
    return this.sessions.get(sessionId)?.namespace;
  }

  /** Marks a cancel in progress; resolves when the session's exit has been reported. */
  cancelling(sessionId: string): Promise<void> | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    s.cancelling = true;
    return s.exited;
  }

  /** Forgets a session without reporting an exit (its launch failed and threw). */
  untrack(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    this.sessions.delete(sessionId);
    s.markExited();
    const watch = this.watches.get(s.namespace);
    if (watch && --watch.sessions === 0) {
      watch.stop();
      this.watches.delete(s.namespace);
    }
  }

  finish(sessionId: string, exit: Omit<RunnerExit, 'sessionId'>): void {
    if (!this.sessions.has(sessionId)) return;
    this.untrack(sessionId);
    this.deps.emit({ sessionId, ...exit });
  }

  onJob(namespace: string, type: WatchEventType, job: JobLike): void {
    const s = this.sessionFor(namespace, job);
    if (!s) return;
    if (type === 'DELETED') {
      this.finishDeleted(s);
      return;
    }
    const seen = observeJob(job);
    if (seen.kind === 'complete') this.finish(s.sessionId, { exitCode: 0 });
    if (seen.kind === 'failed') {
      this.finish(s.sessionId, {
        exitCode: null,
        reason: s.cancelling ? 'cancelled' : withStopCode(seen.reason, s),
      });
    }
  }

  onPod(namespace: string, pod: PodLike): void {
    const s = this.sessionFor(namespace, pod);
    if (!s) return;
    const seen = observePod(pod);
    if (seen.kind === 'exited')
      this.finish(s.sessionId, { exitCode: seen.exitCode, ...(seen.reason ? { reason: seen.reason } : {}) });
    if (seen.kind === 'stopping') {
      s.stoppedWith = seen.exitCode;
      // A cancel is reported as soon as the runner is gone, not when the PVC and Secret are collected.
      if (s.cancelling) this.finish(s.sessionId, { exitCode: null, reason: 'cancelled' });
    }
    if (seen.kind === 'fail-fast') {
      this.finish(s.sessionId, { exitCode: null, reason: seen.reason });
      void this.deps.deleteJob(namespace, s.sessionId);
    }
  }

  /** A Job that was created before this list started and is not in it was deleted while we were not watching. */
  onJobsListed(namespace: string, jobs: JobLike[], startedAt: number): void {
    const present = new Set(jobs.map((j) => j.metadata?.labels?.[SESSION_LABEL]));
    for (const s of [...this.sessions.values()]) {
      if (s.namespace !== namespace || present.has(s.sessionId)) continue;
      if (s.createdAt !== undefined && s.createdAt < startedAt) this.finishDeleted(s);
    }
  }

  private finishDeleted(s: TrackedSession): void {
    this.finish(s.sessionId, {
      exitCode: null,
      reason: s.cancelling
        ? 'cancelled'
        : withStopCode('The runner Job was deleted before the runner finished', s),
    });
  }

  /** Stops every watch; running Jobs stay (runners reconnect to the next backend). */
  close(): void {
    for (const watch of this.watches.values()) watch.stop();
    this.watches.clear();
    for (const s of this.sessions.values()) s.markExited();
    this.sessions.clear();
  }

  private sessionFor(
    namespace: string,
    object: { metadata?: { labels?: Record<string, string> } },
  ): TrackedSession | undefined {
    const id = object.metadata?.labels?.[SESSION_LABEL];
    const s = id ? this.sessions.get(id) : undefined;
    return s?.namespace === namespace ? s : undefined;
  }
}

function withStopCode(reason: string, s: TrackedSession): string {
  return s.stoppedWith === undefined || s.stoppedWith === null
    ? reason
    : `${reason} (the runner was stopped; exit ${s.stoppedWith})`;
}
