import type { FaultOptions } from '../types.ts';
import { ForgeError } from './errors.ts';

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID ';

/**
 * Decides, before anything is parsed or applied, whether this request fails on purpose.
 * Returns the error to answer with, or null.
 */
export function injectedFault(faults: FaultOptions, method: string, requestId: string): ForgeError | null {
  const isRead = method === 'GET' || method === 'HEAD';
  if (faults.only === 'reads' && !isRead) return null;
  if (faults.only === 'writes' && isRead) return null;
  const secondary = faults.secondaryRateLimitRate ?? 0;
  const server = faults.serverErrorRate ?? 0;
  if (secondary > 0 && Math.random() < secondary) {
    return new ForgeError(403, `${SECONDARY}${requestId}.`, {
      documentationUrl:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      headers: { 'retry-after': String(faults.retryAfterSeconds ?? 60) },
    });
  }
  if (server > 0 && Math.random() < server) {
    const status = Math.random() < 0.5 ? 502 : 503;
    return new ForgeError(status, status === 502 ? 'Server Error' : 'Service Unavailable');
  }
  return null;
}
