/** Client addresses as limits count them: the access-email throttle and the failed-auth throttle alike. */
import net from 'node:net';

/** The eight 16-bit groups of an IPv6 address, written out. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => g.toLowerCase().padStart(4, '0'));
}

/**
 * What the per-IP limit counts: an IPv4 address as it is (also when written IPv4-mapped), an IPv6
 * address by its /64 network, since one subscriber commonly holds a whole /64 and could otherwise
 * step around the limit by changing addresses.
 */
export function throttleSubjectOfIp(ip: string): string {
  // Every IPv6 address holds a colon: an IPv4 address is answered without the IPv6 parse, which
  // every authenticated request would otherwise pay (the failed-auth throttle's key).
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!net.isIPv6(ip)) return ip;
  return `${ipv6Groups(ip.split('%')[0] ?? ip)
    .slice(0, 4)
    .join(':')}::/64`;
}
