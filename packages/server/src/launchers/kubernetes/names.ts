/**
 * Every name and label the Kubernetes launcher gives its objects. Create, cancel, watch and cleanup all call
 * these functions, so the Job that is created is the Job that is deleted.
 */

export const RUNNER_APP = 'rfe-runner';
export const SESSION_LABEL = 'rfe.dev/session';
export const PROJECT_LABEL = 'rfe.dev/project';
/** Selects every object the launcher creates, across sessions. */
export const RUNNER_SELECTOR = `app.kubernetes.io/name=${RUNNER_APP}`;

/** Keys of the per-session Secret; the runner reads copies of them (see manifests.ts). */
export const SECRET_KEYS = { runnerToken: 'runner-token', gitCredentials: 'git-credentials.json' } as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Name of the session's Job, Secret and PersistentVolumeClaim: one name for all three. */
export function sessionObjectName(sessionId: string): string {
  return checkedLabel(`rfe-session-${sessionId.toLowerCase()}`, 'session object name');
}

/** The project's namespace: the configured prefix followed by the project name. */
export function projectNamespace(prefix: string, projectName: string): string {
  return checkedLabel(`${prefix}${projectName}`, 'namespace');
}

export function sessionLabels(sessionId: string, projectName: string): Record<string, string> {
  for (const value of [sessionId, projectName]) {
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new Error(
        `"${value}" cannot be a Kubernetes label value (at most 63 letters, digits, '-', '_', '.').`,
      );
    }
  }
  return { 'app.kubernetes.io/name': RUNNER_APP, [SESSION_LABEL]: sessionId, [PROJECT_LABEL]: projectName };
}

function checkedLabel(name: string, what: string): string {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new Error(
      `"${name}" cannot be a Kubernetes ${what}: it must be at most 63 lower-case letters, digits and '-', ` +
        'starting and ending with a letter or digit.',
    );
  }
  return name;
}
