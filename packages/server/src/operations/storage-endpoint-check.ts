import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { BadRequestError, UnprocessableError } from '../errors.ts';

/** Loopback, private, carrier-grade NAT, link-local (cloud metadata among them) and unspecified ranges. */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

function isInternal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  return internal.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * An external storage endpoint must not make the server connect to its own network: loopback, private,
 * link-local and metadata addresses are refused unless the deployment allows them
 * (STORAGE_ENDPOINT_ALLOW; on by default only with AUTH_MODE=dev). Every address the name resolves to is
 * checked.
 */
export async function checkStorageEndpoint(
  endpoint: string | undefined,
  allowInternal: boolean,
): Promise<void> {
  if (endpoint === undefined) return; // the provider's default endpoint
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new BadRequestError(
      `storage.endpoint: "${endpoint}" is not a URL; give e.g. https://s3.example.com.`,
      {
        field: 'storage.endpoint',
      },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadRequestError('storage.endpoint: must be an http(s) URL.', { field: 'storage.endpoint' });
  }
  if (allowInternal) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (all) => all.map((a) => a.address),
        () => [] as string[],
      );
  const blocked = addresses.find(isInternal);
  if (blocked) {
    throw new UnprocessableError(
      'storage_endpoint_internal',
      `storage.endpoint: ${url.host} is ${blocked === host ? '' : `${blocked}, `}a loopback, private, link-local or metadata address, which the platform does not connect to for a project. Use the object store's public address, or have the operator set STORAGE_ENDPOINT_ALLOW=true if this deployment's object store is on its own network.`,
      { field: 'storage.endpoint', address: blocked },
    );
  }
}
