import { BlockList, isIP } from 'node:net';

/** A predicate for "is this peer address one of these IPs or CIDR ranges" (IPv4, IPv6, IPv4-mapped IPv6). */
export function addressMatcher(entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    if (!address) return false;
    const plain = unmapIpv4(address);
    const family = isIP(plain);
    if (!family) return false;
    return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** `::ffff:10.0.0.1` (how a dual-stack socket reports an IPv4 peer) → `10.0.0.1`. */
function unmapIpv4(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}
