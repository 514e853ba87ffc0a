import { isIPv4, isIPv6 } from "node:net";

/**
 * The key per-IP limits count under. An IPv4 address is one budget. An IPv6
 * address is not: a single subscriber, or a single cloud VM, is routinely
 * handed a whole /64 and can pick a fresh address for every request, so the
 * budget belongs to the /64 (`2001:db8:1:2::/64`, in the one canonical
 * spelling whatever the case, zeros, `::` compression or `%zone` of the
 * address). An IPv4-mapped address (`::ffff:192.0.2.1`, what a dual-stack
 * socket reports for an IPv4 client) is that IPv4 address, so one client is
 * one budget whichever way it was written. Anything else (null-ish markers
 * such as "unknown") is its own key, unchanged.
 */
export function ipBucket(ip: string): string {
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  // The zone names the local interface a link-local address was reached on, not the sender.
  const groups = hextets(ip.split("%", 1)[0] as string);
  if (groups === undefined) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${canonical([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (no zone), a trailing dotted IPv4 part included. */
function hextets(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(":");
  const dotted = text.slice(lastColon + 1);
  if (isIPv4(dotted)) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  const groupsOf = (part: string | undefined) => (part ? part.split(":") : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const all =
    halves.length === 2
      ? [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail]
      : head;
  if (all.length !== 8) return undefined;
  const numbers = all.map((group) => Number.parseInt(group, 16));
  return numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? numbers : undefined;
}

/** RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero groups (the first of equals) as `::`. */
function canonical(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > best.length) best = { start: i, length: end - i };
    i = end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  const left = hex.slice(0, best.start).join(":");
  const right = hex.slice(best.start + best.length).join(":");
  return `${left}::${right}`;
}
