import { isIPv4, isIPv6 } from "node:net";

/** The default prefix length IPv6 clients are counted by (as express-rate-limit's `ipv6Subnet`). */
export const DEFAULT_IPV6_SUBNET = 56;

/** The eight 16-bit groups of a valid IPv6 address (its zone dropped). */
function groupsOf(address: string): number[] {
  let text = address;
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    // An IPv4 address in the last 32 bits (`::ffff:192.0.2.1`): two groups.
    const [a, b, c, d] = tail.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split("::");
  const front = head === "" ? [] : head.split(":");
  const back = rest === undefined || rest === "" ? [] : rest.split(":");
  const middle = rest === undefined ? [] : Array<string>(8 - front.length - back.length).fill("0");
  return [...front, ...middle, ...back].map((group) => parseInt(group, 16));
}

/**
 * The key a client's address is counted by: an IPv4 address as it is (an IPv4-mapped IPv6
 * address too: `::ffff:192.0.2.1` is `192.0.2.1`), an IPv6 address by its `/subnet` prefix.
 * One user of IPv6 gets a whole prefix (a /64 at least, often a /56) and can pick a new
 * address in it for every request: counted one by one, an IPv6 client escapes any limit.
 *
 * @example
 * addressKey("2001:db8:1:2a07::7", 56); // "2001:db8:1:2a00:0:0:0:0/56"
 * addressKey("::ffff:192.0.2.1", 56); // "192.0.2.1"
 */
export function addressKey(address: string, subnet: number | false): string {
  if (!address.includes(":") || !isIPv6(address)) return address;
  const groups = groupsOf(address);
  if (groups[5] === 0xffff && groups.slice(0, 5).every((g) => g === 0)) {
    const mapped = `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
    if (isIPv4(mapped)) return mapped;
  }
  const bits = subnet === false ? 128 : subnet;
  const masked = groups.map((group, i) => {
    const kept = Math.min(16, Math.max(0, bits - i * 16));
    return kept === 0 ? 0 : group & (0xffff << (16 - kept)) & 0xffff;
  });
  return `${masked.map((g) => g.toString(16)).join(":")}/${bits}`;
}

/** Checks an `ipv6Subnet` option: an integer prefix length from 1 to 128, or false. */
export function validSubnet(subnet: unknown): subnet is number | false {
  return subnet === false || (Number.isInteger(subnet) && (subnet as number) >= 1 && (subnet as number) <= 128);
}
