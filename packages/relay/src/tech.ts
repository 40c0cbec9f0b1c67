import { createRequire } from 'node:module';
import { BlockList, isIP, isIPv4 } from 'node:net';
import { cleanLine } from '@conduit-chat/protocol';
import Bowser from 'bowser';
import maxmind, { Reader, type Response } from 'maxmind';
import { anonymizeIp, normalizeIp } from './ip-address.js';
import { loadSea, type SeaAssets } from './sea.js';

// Address rules live in ip-address.ts and client-address.ts; re-exported for existing callers.
export { clientIp, FORWARDED_MAX_ENTRIES } from './client-address.js';
export { anonymizeIp, normalizeIp } from './ip-address.js';

/** Longest User-Agent parsed; the rest is cut first (real UAs are < 300 chars, junk can be 64 KB). */
export const UA_MAX_CHARS = 512;

/** User-Agent parses kept in the LRU: most visitors share a handful of browsers. */
export const UA_CACHE_ENTRIES = 256;

/** Decoded database records cached by `maxmind` (per database; records, not addresses). */
export const GEO_CACHE_ENTRIES = 4096;

/** Distinct time zones and language tags kept as shared strings (`shared`); bounded. */
export const SHARED_VALUES = 2048;

// A time zone (`Europe/London`, `America/Argentina/Buenos_Aires`, `UTC`, `Etc/GMT+5`) or a
// language tag (`en`, `pt-BR`, `zh-Hant-TW`): values most visitors share, nothing personal.
const SHAREABLE =
  /^(?:[A-Za-z_]{1,32}(?:\/[A-Za-z0-9_+-]{1,32}){0,2}|[a-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3})$/;
const shared = new Map<string, string>();

/**
 * The one copy of a time zone or language tag that every session with that value points to,
 * instead of a string per session (JSON.parse makes a new one for each hello). Values of
 * another shape, and new values once `SHARED_VALUES` are known, are returned as they are.
 */
export function sharedValue(value: string): string {
  const known = shared.get(value);
  if (known !== undefined) return known;
  if (shared.size < SHARED_VALUES && SHAREABLE.test(value)) shared.set(value, value);
  return value;
}

/** How many values `sharedValue` holds (tests, and to see that junk does not grow it). */
export function sharedValueCount(): number {
  return shared.size;
}

/** Stable codes of the errors `createTechLookup` throws. */
export const TECH_ERROR_CODES = {
  geo_db_missing: 'The IP location database file does not exist.',
  geo_db_unreadable: 'The IP location database file cannot be read or is not an mmdb file.',
} as const;

/** A database could not be opened; `code` is stable, `cause` is the underlying error. */
export class TechLookupError extends Error {
  override readonly name = 'TechLookupError';
  constructor(
    readonly code: keyof typeof TECH_ERROR_CODES,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`${TECH_ERROR_CODES[code]} (${file})`, options);
  }
}

/** A visitor's device class, as an operator sees it. */
export type Device = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'unknown';

/** The technical data the relay keeps about a visitor (docs/architecture.md "Session lifecycle"). */
export interface TechData {
  ip: string;
  country?: string;
  city?: string;
  browser: string;
  os: string;
  device: Device;
}

/** Turns a connection's address and User-Agent into `TechData`. */
export interface TechLookup {
  lookup(input: { ip: string; userAgent: string; anonymize: boolean }): TechData;
}

/** Options of `createTechLookup`. */
export interface TechLookupOptions {
  /**
   * Country mmdb to use instead of the embedded package: a file, or its bytes (a single-file
   * binary carries the database as an asset, with no node_modules to resolve it from).
   */
  countryDb?: string | Uint8Array;
  /** An mmdb with city names (DB-IP city lite, ip-location-db `dbip-city-mmdb` or MaxMind layout). */
  cityDb?: string;
}

// IANA special-purpose ranges: none of them locates a person, and the embedded database
// wrongly assigns countries to some (192.168.0.0/16 and 203.0.113.0/24 come back as AU).
const NOT_PUBLIC = new BlockList();
for (const cidr of [
  '0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24',
  '192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24',
  '224.0.0.0/4 240.0.0.0/4 ::/127 64:ff9b:1::/48 100::/64 2001::/23 2001:db8::/32 3fff::/20',
  'fc00::/7 fe80::/10 ff00::/8',
].flatMap((line) => line.split(' '))) {
  const [net = '', bits = ''] = cidr.split('/');
  NOT_PUBLIC.addSubnet(net, Number(bits), isIPv4(net) ? 'ipv4' : 'ipv6');
}

type UaData = Pick<TechData, 'browser' | 'os' | 'device'>;

const BROWSER_NAMES: Record<string, string> = {
  'Microsoft Edge': 'Edge',
  'Samsung Internet for Android': 'Samsung Internet',
  'Internet Explorer': 'IE',
};
const DEVICES = new Set<string>(['desktop', 'mobile', 'tablet', 'bot']);

/** Browser, OS and device of a User-Agent (already cut to `UA_MAX_CHARS`). */
function parseUa(ua: string): UaData {
  if (ua.trim() === '') return { browser: 'unknown', os: 'unknown', device: 'unknown' };
  const { browser, os, platform } = Bowser.parse(ua);
  const major = (v: string | undefined) => /^\d+/.exec(v ?? '')?.[0];
  const name = browser.name ? (BROWSER_NAMES[browser.name] ?? browser.name) : '';
  const bVersion = major(browser.version);
  let osText = os.name ?? '';
  // macOS stays bare: Safari and Chrome freeze the version at 10.15.7, so it would mislead.
  // Windows 11 sends "NT 10.0" as well and so reads "Windows 10" (only Client Hints differ).
  if (os.name === 'Windows' && os.versionName) osText += ` ${os.versionName}`;
  else if (os.name !== 'macOS' && major(os.version)) osText += ` ${major(os.version)}`;
  const device = platform.type && DEVICES.has(platform.type) ? platform.type : 'unknown';
  return {
    // The generic fallback copies text out of the UA: clean it like any visitor input.
    browser: cleanLine(bVersion && name ? `${name} ${bVersion}` : name, 64) || 'unknown',
    os: cleanLine(osText, 64) || 'unknown',
    device: device as Device,
  };
}

interface GeoRecord {
  country_code?: unknown;
  country?: { iso_code?: unknown };
  city?: unknown;
}

/** The ISO 3166 alpha-2 code and city name a record holds, whichever mmdb layout it uses. */
function fromRecord(rec: GeoRecord | null): { country?: string; city?: string } {
  if (!rec || typeof rec !== 'object') return {};
  const out: { country?: string; city?: string } = {};
  const cc = rec.country_code ?? rec.country?.iso_code;
  if (typeof cc === 'string' && /^[A-Z]{2}$/.test(cc)) out.country = cc;
  const c = rec.city as { names?: { en?: unknown } } | string | undefined;
  const city = typeof c === 'string' ? c : c?.names?.en;
  if (typeof city === 'string' && cleanLine(city, 128) !== '') out.city = cleanLine(city, 128);
  return out;
}

async function openDb(source: string | Uint8Array): Promise<Reader<Response>> {
  const label = typeof source === 'string' ? source : `${source.byteLength}-byte buffer`;
  try {
    if (typeof source === 'string') {
      return await maxmind.open<Response>(source, { cache: { max: GEO_CACHE_ENTRIES } });
    }
    // No record cache here: decoding a country record is a few property reads.
    return new Reader<Response>(Buffer.from(source.buffer, source.byteOffset, source.byteLength));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TechLookupError(missing ? 'geo_db_missing' : 'geo_db_unreadable', label, {
      cause: err,
    });
  }
}

/** The package and file of the embedded country database (CC0 package; IPv4 and IPv6 in one). */
export const COUNTRY_DB_MODULE =
  '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';

/** Absolute path of the embedded country database; throws `geo_db_missing` when not installed. */
export function countryDbPath(): string {
  try {
    return createRequire(import.meta.url).resolve(COUNTRY_DB_MODULE);
  } catch (err) {
    throw new TechLookupError('geo_db_missing', COUNTRY_DB_MODULE, { cause: err });
  }
}

/** Name of the country database asset in a single-file binary (`node:sea`). */
export const SEA_COUNTRY_ASSET = 'country.mmdb';

/**
 * Where the embedded country database comes from: the `country.mmdb` asset inside a single-file
 * binary (where no node_modules exist to resolve the package from), else the package file.
 */
export function embeddedCountryDb(sea: SeaAssets | undefined = loadSea()): string | Uint8Array {
  if (sea?.isSea()) {
    try {
      return new Uint8Array(sea.getRawAsset(SEA_COUNTRY_ASSET));
    } catch {
      // A binary built without the asset: fall back to the package (if it is beside it).
    }
  }
  return countryDbPath();
}

/**
 * Opens the embedded country database (and `cityDb` when given) once and returns a lookup.
 * Throws `TechLookupError` (`geo_db_missing` / `geo_db_unreadable`) when a file cannot be used.
 * @example
 * const tech = await createTechLookup();
 * tech.lookup({ ip: '8.8.8.8', userAgent: req.ua, anonymize: true });
 * // { ip: '8.8.8.0', country: 'US', browser: 'Chrome 130', os: 'Windows 10', device: 'desktop' }
 */
export async function createTechLookup(options: TechLookupOptions = {}): Promise<TechLookup> {
  const countries = await openDb(options.countryDb ?? embeddedCountryDb());
  const cities = options.cityDb === undefined ? undefined : await openDb(options.cityDb);
  const uaCache = new Map<string, UaData>();

  const geo = (addr: string) => {
    if (addr === '' || NOT_PUBLIC.check(addr, isIP(addr) === 4 ? 'ipv4' : 'ipv6')) return {};
    try {
      // The country always comes from the embedded database, so it is the same with or without
      // a city database; the city database adds only the city.
      const { country } = fromRecord(countries.get(addr) as GeoRecord | null);
      const { city } = cities ? fromRecord(cities.get(addr) as GeoRecord | null) : {};
      const out: { country?: string; city?: string } = {};
      if (country) out.country = country;
      if (city) out.city = city;
      return out;
    } catch {
      return {}; // A corrupt record must not cost the visitor their chat.
    }
  };

  const ua = (raw: string): UaData => {
    const key = raw.length > UA_MAX_CHARS ? raw.slice(0, UA_MAX_CHARS) : raw;
    let hit = uaCache.get(key);
    if (hit) uaCache.delete(key);
    else {
      try {
        hit = parseUa(key);
      } catch {
        hit = { browser: 'unknown', os: 'unknown', device: 'unknown' };
      }
      if (uaCache.size >= UA_CACHE_ENTRIES) uaCache.delete(uaCache.keys().next().value as string);
    }
    uaCache.set(key, hit); // Re-inserting moves the entry to the young end of the Map.
    return hit;
  };

  return {
    lookup({ ip, userAgent, anonymize }) {
      const addr = normalizeIp(ip);
      return { ip: anonymize ? anonymizeIp(addr) : addr, ...geo(addr), ...ua(userAgent) };
    },
  };
}
