import { ApiException } from '@kubernetes/client-node';
import { UpstreamError } from '../../errors.ts';

/** What the launcher was doing when the API answered with an error. */
export interface ApiCall {
  verb: 'create' | 'delete' | 'list' | 'watch' | 'get';
  /** Plural resource as RBAC names it: jobs, pods, secrets, persistentvolumeclaims. */
  resource: string;
  namespace: string;
  name?: string;
}

/** A Kubernetes API call that failed, with the verb, resource and namespace in the message. */
export class KubernetesApiError extends UpstreamError {
  constructor(
    readonly call: ApiCall,
    readonly httpStatus: number | undefined,
    readonly apiReason: string | undefined,
    apiMessage: string,
  ) {
    super(
      httpStatus === 403 ? 'kubernetes_forbidden' : 'kubernetes_api_error',
      describe(call, httpStatus, apiReason, apiMessage),
      { verb: call.verb, resource: call.resource, namespace: call.namespace, status: httpStatus },
    );
  }
}

/** Turns whatever the client threw (ApiException, a watch error, a network error) into a KubernetesApiError. */
export function kubernetesApiError(call: ApiCall, err: unknown): KubernetesApiError {
  if (err instanceof KubernetesApiError) return err;
  const status = httpStatusOf(err);
  const body = err instanceof ApiException ? statusBody(err.body) : undefined;
  const message = body?.message ?? (err instanceof Error ? err.message : String(err));
  return new KubernetesApiError(call, status, body?.reason, message);
}

export function httpStatusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function describe(
  call: ApiCall,
  status: number | undefined,
  reason: string | undefined,
  message: string,
): string {
  const target = `${call.resource}${call.name ? ` "${call.name}"` : ''} in namespace "${call.namespace}"`;
  if (!status) return `Could not ${call.verb} ${target}: the Kubernetes API did not answer (${message}).`;
  let text = `Kubernetes API refused to ${call.verb} ${target} (${status}${reason ? ` ${reason}` : ''}): ${message}`;
  if (status === 403) {
    text += ` — grant the launcher's service account "${call.verb}" on "${call.resource}" in that namespace (deploy/manifests/rbac).`;
  } else if (status === 404 && call.verb === 'create') {
    text += ` — does the project namespace "${call.namespace}" exist?`;
  } else if (status === 409) {
    text += ' — a session id is launched once; this one already has objects in the cluster.';
  }
  return text;
}

/** The Status object Kubernetes returns with an error; the 1.x client hands it over as text. */
function statusBody(body: unknown): { message?: string; reason?: string } | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body ? { message: body.slice(0, 500) } : undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const { message, reason } = parsed as { message?: unknown; reason?: unknown };
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}
