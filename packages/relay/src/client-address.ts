import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import { normalizeIp } from './ip-address.js';

/** `X-Forwarded-For` entries examined from the right before giving up on the header. */
export const FORWARDED_MAX_ENTRIES = 16;

// An entry as proxies write it: an address, `v4:port` or `[v6]:port` (a little over an address).
const ENTRY_MAX_CHARS = 72;

/** The named ranges `trustProxy` takes (proxy-addr's names; README "Configuration"). */
export const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/**
 * `trustProxy` as configured: `false` (ignore `X-Forwarded-For`), `true` (the socket's peer is
 * our one proxy) or the addresses, CIDR ranges and range names of every proxy of ours.
 */
export type TrustProxy = boolean | readonly string[];

/** Whether the address `hop` steps from the relay (0 = the socket's peer) is a proxy of ours. */
type Trust = (address: string, hop: number) => boolean;

const trustNothing: Trust = () => false;
// One proxy in front: its entry is the only one not written by the client.
const trustSocketPeer: Trust = (_address, hop) => hop === 0;
// Compiled once per configured list: compiling parses every range.
const compiled = new WeakMap<readonly string[], Trust>();

/**
 * Whether `entry` is something `trustProxy` takes: a range name, an address, or
 * `address/prefix`. Stricter than proxy-addr (no netmask form, no zone id, no octal IPv4), so
 * the config says exactly what it means.
 */
export function validProxyEntry(entry: string): boolean {
  if ((PROXY_RANGE_NAMES as readonly string[]).includes(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  const kind = address.includes('%') ? 0 : isIP(address);
  if (kind === 0 || extra !== undefined) return false;
  if (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128))) {
    return false;
  }
  try {
    proxyaddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

function trustOf(trustProxy: TrustProxy): Trust {
  if (trustProxy === false) return trustNothing;
  if (trustProxy === true) return trustSocketPeer;
  let trust = compiled.get(trustProxy);
  if (!trust) {
    trust = proxyaddr.compile([...trustProxy]);
    compiled.set(trustProxy, trust);
  }
  return trust;
}

/** One `X-Forwarded-For` entry as an address, or '': allows `[v6]:port` and `v4:port` forms. */
function forwardedEntry(entry: string): string {
  const s = entry.trim();
  if (s.length > ENTRY_MAX_CHARS) return '';
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracket) return normalizeIp(bracket[1] ?? '');
  const v4port = /^([\d.]+):\d+$/.exec(s);
  return normalizeIp(v4port ? (v4port[1] ?? '') : s);
}

/**
 * Returns the visitor's address: the socket's, or, when the socket's peer is a trusted proxy,
 * the right-most `X-Forwarded-For` entry that is not (proxy-addr's rule). Each proxy appends
 * the address it was connected from, so only entries right of the first untrusted one were
 * written by our own proxies; everything to its left came from the client and can be forged.
 * Entries that are not addresses are skipped; at most `FORWARDED_MAX_ENTRIES` are examined,
 * and when all those are trusted the left-most of them is the answer. `true` trusts the
 * socket's peer only: the right-most valid entry.
 * @example clientIp({ remote: '10.0.0.2', forwardedFor: '6.6.6.6, 198.51.100.7', trustProxy: true }) // '198.51.100.7'
 * @example clientIp({ remote: '10.0.0.2', forwardedFor: '6.6.6.6, 198.51.100.7, 10.0.0.9', trustProxy: ['10.0.0.0/8'] }) // '198.51.100.7'
 */
export function clientIp(input: {
  remote: string;
  forwardedFor?: string | undefined;
  trustProxy: TrustProxy;
}): string {
  const remote = normalizeIp(input.remote);
  const trust = trustOf(input.trustProxy);
  if (!input.forwardedFor || !trust(remote, 0)) return remote;
  let client = remote;
  let hop = 0;
  let rest = input.forwardedFor;
  for (let i = 0; i < FORWARDED_MAX_ENTRIES && rest !== ''; i++) {
    const comma = rest.lastIndexOf(',');
    const found = forwardedEntry(rest.slice(comma + 1));
    rest = comma < 0 ? '' : rest.slice(0, comma);
    if (found === '') continue;
    client = found;
    hop++;
    if (!trust(found, hop)) return found;
  }
  return client;
}
