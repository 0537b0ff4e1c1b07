import { isIP } from 'node:net';
import { BadRequestError } from '../errors.ts';

export const ANTHROPIC_API_URL = 'https://api.anthropic.com';

/**
 * Checks a provider endpoint an admin names for a project, as every outbound URL the platform follows is
 * checked: http(s) only, no credentials, query or fragment in it, and — since the backend calls it with the
 * project's key — never a link-local, private or loopback address unless the operator allow-listed the
 * host (MODEL_PROVIDER_HOSTS, which then is the only list that counts). Plain http only for listed hosts.
 */
export function checkProviderEndpoint(raw: string, allowedHosts: readonly string[]): string {
  const field = 'endpoint';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError(`${field}: "${raw}" is not a URL; expected e.g. ${ANTHROPIC_API_URL}.`, {
      field,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadRequestError(`${field}: only http(s) URLs are accepted, not ${url.protocol}`, { field });
  }
  if (url.username || url.password) {
    throw new BadRequestError(`${field}: the URL must not carry credentials; put the key in apiKey.`, {
      field,
    });
  }
  if (url.search || url.hash) {
    throw new BadRequestError(`${field}: the URL must not have a query or fragment.`, { field });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allowedHosts.length) {
    const listed = allowedHosts.some((h) => h.toLowerCase() === host || h.toLowerCase() === url.host);
    if (!listed) {
      throw new BadRequestError(
        `${field}: ${url.host} is not an allowed model provider host; allowed: ${allowedHosts.join(', ')} (MODEL_PROVIDER_HOSTS).`,
        { field, allowedHosts },
      );
    }
    return url.href.replace(/\/$/, '');
  }
  if (url.protocol !== 'https:') {
    throw new BadRequestError(`${field}: use https (plain http is only for hosts in MODEL_PROVIDER_HOSTS).`, {
      field,
    });
  }
  if (isInternalHost(host)) {
    throw new BadRequestError(
      `${field}: ${host} is a loopback, private or link-local address; the backend does not call those unless the operator lists the host in MODEL_PROVIDER_HOSTS.`,
      { field },
    );
  }
  return url.href.replace(/\/$/, '');
}

function isInternalHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  if (host === 'metadata.google.internal') return true;
  const v = isIP(host);
  if (v === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (v === 6) {
    return (
      host === '::1' ||
      host === '::' ||
      /^f[cd]/.test(host) ||
      /^fe[89ab]/.test(host) ||
      host.startsWith('::ffff:')
    );
  }
  return false;
}
