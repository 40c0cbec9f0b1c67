import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Bowser from 'bowser';
import maxmind from 'maxmind';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  anonymizeIp,
  clientIp,
  countryDbPath,
  createTechLookup,
  embeddedCountryDb,
  normalizeIp,
  SHARED_VALUES,
  sharedValue,
  sharedValueCount,
  type TechLookup,
  TechLookupError,
  UA_CACHE_ENTRIES,
} from './tech.js';

// ---- a tiny MaxMind DB writer (format spec: maxmind.github.io/MaxMind-DB) -----------------
// Only for city databases in tests: no city database with a free licence ships in npm, and a
// file we write lets a test put different cities in a /24 and in one address of it.
type MmdbValue = string | number | MmdbValue[] | { [key: string]: MmdbValue };

function encode(value: MmdbValue): Buffer {
  // Control byte: type in the top 3 bits (0 = extended, next byte is type - 7), size below.
  const head = (type: number, size: number) => {
    const sizeBytes = size < 29 ? [] : [size - 29];
    const first = Math.min(size, 29);
    return Buffer.from(
      type <= 7 ? [(type << 5) | first, ...sizeBytes] : [first, type - 7, ...sizeBytes],
    );
  };
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    return Buffer.concat([head(6, 4), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([head(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([
    head(7, entries.length),
    ...entries.flatMap(([k, v]) => [encode(k), encode(v)]),
  ]);
}

/** Bits of a CIDR in an IPv6 tree (IPv4 under ::/96); IPv6 networks here end in `::`. */
function cidrBits(cidr: string): number[] {
  const [addr = '', len = ''] = cidr.split('/');
  const bytes = addr.includes('.')
    ? [...new Array<number>(12).fill(0), ...addr.split('.').map(Number)]
    : (addr.split('::')[0] ?? '')
        .split(':')
        .map((w) => parseInt(w, 16))
        .concat(new Array<number>(8).fill(0))
        .slice(0, 8)
        .flatMap((w) => [w >> 8, w & 255]);
  const bits = bytes.flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (b >> i) & 1));
  return bits.slice(0, (addr.includes('.') ? 96 : 0) + Number(len));
}

/** Builds an mmdb (IPv6 tree, 24-bit records); list wider networks before narrower ones. */
function writeMmdb(networks: Array<[cidr: string, value: MmdbValue]>): Buffer {
  type Node = { kids: [Node | number | undefined, Node | number | undefined] };
  const root: Node = { kids: [undefined, undefined] };
  const data: Buffer[] = [];
  let dataLength = 0;
  for (const [cidr, value] of networks) {
    const bits = cidrBits(cidr);
    let node = root;
    for (const bit of bits.slice(0, -1)) {
      const next = node.kids[bit as 0 | 1];
      // A wider network already ends here: push its data down both branches.
      const child = typeof next === 'object' ? next : { kids: [next, next] as Node['kids'] };
      node.kids[bit as 0 | 1] = child;
      node = child;
    }
    node.kids[bits.at(-1) as 0 | 1] = dataLength;
    const encoded = encode(value);
    data.push(encoded);
    dataLength += encoded.length;
  }
  const nodes: Node[] = [];
  for (const queue = [root]; queue.length > 0; ) {
    const node = queue.shift()!;
    nodes.push(node);
    for (const kid of node.kids) if (typeof kid === 'object') queue.push(kid);
  }
  const count = nodes.length;
  const record = (kid: Node | number | undefined) =>
    kid === undefined ? count : typeof kid === 'number' ? count + 16 + kid : nodes.indexOf(kid);
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((node, i) => {
    tree.writeUIntBE(record(node.kids[0]), i * 6, 3);
    tree.writeUIntBE(record(node.kids[1]), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 6,
    database_type: 'Conduit-Test-City',
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 0,
    description: { en: 'test fixture' },
  });
  const marker = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'); // "\xab\xcd\xefMaxMind.com"
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]);
}

// ---- user agents seen in the wild ---------------------------------------------------------
const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  samsungTablet:
    'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.102 Mobile Safari/537.36',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68',
  firefoxWindows7:
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
};

describe('normalizeIp', () => {
  it('writes IPv6 in RFC 5952 form', () => {
    expect(normalizeIp('2001:0DB8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
    expect(normalizeIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(normalizeIp('0:0:0:0:0:0:0:0')).toBe('::');
    expect(normalizeIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(normalizeIp('fe80:0:0:0:0:0:0:0')).toBe('fe80::');
    expect(normalizeIp('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
  });

  it('turns IPv4-mapped IPv6 (as uWS reports IPv4 peers on a dual-stack socket) into IPv4', () => {
    expect(normalizeIp('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
    expect(normalizeIp('::ffff:203.0.113.77')).toBe('203.0.113.77');
    expect(normalizeIp('::FFFF:cb00:714d')).toBe('203.0.113.77');
  });

  it('returns an empty string for anything that is not one address', () => {
    for (const bad of [
      '',
      ' ',
      'localhost',
      '1.2.3',
      '1.2.3.256',
      '01.2.3.4',
      ' 1.2.3.4',
      '1.2.3.4/24',
      '1.2.3.4:80',
      '2001:db8::g',
      '2001:db8:::1',
      '::ffff:1.2.3.4.5',
      '<script>alert(1)</script>',
      'x'.repeat(10_000),
      `fe80::1%${'a'.repeat(100)}`,
    ]) {
      expect(normalizeIp(bad), bad.slice(0, 40)).toBe('');
    }
  });
});

describe('anonymizeIp', () => {
  it('zeroes the last octet of an IPv4 address', () => {
    expect(anonymizeIp('203.0.113.77')).toBe('203.0.113.0');
    expect(anonymizeIp('8.8.8.8')).toBe('8.8.8.0');
    expect(anonymizeIp('255.255.255.255')).toBe('255.255.255.0');
  });

  it('keeps the first 48 bits of an IPv6 address, compressed', () => {
    expect(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(anonymizeIp('2A02:06B8:0000:0000:0000:0000:0000:0001')).toBe('2a02:6b8::');
    expect(anonymizeIp('2001:4860:4860::8888')).toBe('2001:4860:4860::');
    expect(anonymizeIp('::1')).toBe('::');
    expect(anonymizeIp('fe80::1%eth0')).toBe('fe80::');
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(anonymizeIp('::ffff:1.2.3.4')).toBe('1.2.3.0');
    expect(anonymizeIp('::ffff:0102:0304')).toBe('1.2.3.0');
    expect(anonymizeIp('0000:0000:0000:0000:0000:ffff:cb00:714d')).toBe('203.0.113.0');
  });

  it('returns an empty string for invalid input instead of echoing it', () => {
    for (const bad of [
      '',
      'not an ip',
      '1.2.3.4 ',
      '999.1.1.1',
      '1.2.3.4\r\nX-Evil: 1',
      '::ffff:1.2.3',
    ]) {
      expect(anonymizeIp(bad)).toBe('');
    }
  });
});

describe('clientIp', () => {
  it('ignores X-Forwarded-For entirely when trustProxy is off (a client can write any header)', () => {
    expect(clientIp({ remote: '198.51.100.7', forwardedFor: '8.8.8.8', trustProxy: false })).toBe(
      '198.51.100.7',
    );
  });

  it('takes the right-most entry, the one our proxy appended, when trustProxy is on', () => {
    // The client sent "X-Forwarded-For: 8.8.8.8"; the proxy appended the real peer.
    expect(
      clientIp({ remote: '10.0.0.2', forwardedFor: '8.8.8.8, 198.51.100.20', trustProxy: true }),
    ).toBe('198.51.100.20');
    expect(
      clientIp({
        remote: '10.0.0.2',
        forwardedFor: '8.8.8.8, 9.9.9.9,198.51.100.20',
        trustProxy: true,
      }),
    ).toBe('198.51.100.20');
    expect(clientIp({ remote: '10.0.0.2', forwardedFor: '198.51.100.20', trustProxy: true })).toBe(
      '198.51.100.20',
    );
  });

  it('skips invalid entries and reads proxy forms with ports and brackets', () => {
    const at = (forwardedFor: string) =>
      clientIp({ remote: '10.0.0.2', forwardedFor, trustProxy: true });
    expect(at('203.0.113.9, garbage, ')).toBe('203.0.113.9');
    expect(at('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(at('203.0.113.9:5555')).toBe('203.0.113.9');
    expect(at('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(at('unknown')).toBe('10.0.0.2');
    expect(at('')).toBe('10.0.0.2');
  });

  it('falls back to the socket address when no valid entry is among the last 16', () => {
    const forwardedFor = `198.51.100.1,${'junk,'.repeat(20)}`;
    expect(clientIp({ remote: '10.0.0.2', forwardedFor, trustProxy: true })).toBe('10.0.0.2');
    const huge = `${'1'.repeat(64 * 1024)}, 198.51.100.3`;
    expect(clientIp({ remote: '10.0.0.2', forwardedFor: huge, trustProxy: true })).toBe(
      '198.51.100.3',
    );
  });

  it('normalises the socket address and never echoes an invalid one', () => {
    expect(clientIp({ remote: '0000:0000:0000:0000:0000:ffff:7f00:0001', trustProxy: false })).toBe(
      '127.0.0.1',
    );
    expect(clientIp({ remote: '', forwardedFor: undefined, trustProxy: true })).toBe('');
  });
});

describe('createTechLookup', () => {
  let tech: TechLookup;
  const look = (ip: string, userAgent = UA.chromeWindows, anonymize = false) =>
    tech.lookup({ ip, userAgent, anonymize });

  beforeAll(async () => {
    tech = await createTechLookup();
  });

  it('finds the country of well-known public addresses in the embedded database', () => {
    expect(look('8.8.8.8').country).toBe('US'); // Google Public DNS
    expect(look('1.1.1.1').country).toBe('AU'); // APNIC's block, registered in Australia
    expect(look('193.0.6.139').country).toBe('NL'); // RIPE NCC, Amsterdam
    expect(look('200.160.2.3').country).toBe('BR'); // NIC.br
    expect(look('133.242.0.3').country).toBe('JP'); // SAKURA Internet
    expect(look('2001:4860:4860::8888').country).toBe('US');
    expect(look('2001:67c:2e8:22::c100:68b').country).toBe('NL');
    expect(look('2a02:6b8::1').country).toBe('RU'); // Yandex
  });

  it('looks up IPv4-mapped addresses as IPv4 (the raw database finds nothing for them)', async () => {
    const raw = await maxmind.open(countryDbPath());
    expect(raw.get('::ffff:8.8.8.8')).toBeNull();
    expect(look('::ffff:8.8.8.8').country).toBe('US');
    expect(look('0000:0000:0000:0000:0000:ffff:0808:0808')).toMatchObject({
      ip: '8.8.8.8',
      country: 'US',
    });
  });

  it('gives no country for loopback, private and documentation addresses', () => {
    // The database wrongly maps some of these (192.168.1.1 and 203.0.113.5 to AU).
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.5.4',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.1.1',
      '203.0.113.5',
      '198.51.100.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '2001:db8::1',
    ]) {
      expect(look(ip), ip).not.toHaveProperty('country');
    }
  });

  it('returns the anonymised address when asked, with the country of the full address', () => {
    expect(look('8.8.8.8', UA.chromeWindows, true)).toEqual({
      ip: '8.8.8.0',
      country: 'US',
      browser: 'Chrome 130',
      os: 'Windows 10',
      device: 'desktop',
    });
    expect(look('2001:4860:4860::8888', '', true).ip).toBe('2001:4860:4860::');
  });

  it('returns an empty address and no country for an invalid address', () => {
    expect(look('not-an-ip')).toEqual({
      ip: '',
      browser: 'Chrome 130',
      os: 'Windows 10',
      device: 'desktop',
    });
  });

  it('reads browser, OS and device from real User-Agents', () => {
    const ua = (userAgent: string) => {
      const { browser, os, device } = look('8.8.8.8', userAgent);
      return [browser, os, device];
    };
    expect(ua(UA.chromeWindows)).toEqual(['Chrome 130', 'Windows 10', 'desktop']);
    expect(ua(UA.safariIphone)).toEqual(['Safari 17', 'iOS 17', 'mobile']);
    expect(ua(UA.firefoxLinux)).toEqual(['Firefox 128', 'Linux', 'desktop']);
    expect(ua(UA.samsungTablet)).toEqual(['Samsung Internet 25', 'Android 14', 'tablet']);
    expect(ua(UA.chromeAndroid)).toEqual(['Chrome 130', 'Android 14', 'mobile']);
    expect(ua(UA.safariMac)).toEqual(['Safari 17', 'macOS', 'desktop']);
    expect(ua(UA.safariIpad)).toEqual(['Safari 17', 'iOS 17', 'tablet']);
    expect(ua(UA.edgeWindows)).toEqual(['Edge 130', 'Windows 10', 'desktop']);
    expect(ua(UA.firefoxWindows7)).toEqual(['Firefox 115', 'Windows 7', 'desktop']);
    expect(ua(UA.googlebot)).toEqual(['Googlebot 2', 'unknown', 'bot']);
  });

  it('says unknown for an empty or junk User-Agent', () => {
    const unknown = { browser: 'unknown', os: 'unknown', device: 'unknown' };
    expect(look('8.8.8.8', '')).toMatchObject(unknown);
    expect(look('8.8.8.8', '   ')).toMatchObject(unknown);
    expect(look('8.8.8.8', 'x'.repeat(10 * 1024))).toMatchObject(unknown);
    expect(look('8.8.8.8', '<script>alert(1)</script>')).toMatchObject(unknown);
  });

  it('parses only the first 512 characters of a User-Agent', () => {
    expect(look('8.8.8.8', `${UA.firefoxLinux}${'x'.repeat(10 * 1024)}`).browser).toBe(
      'Firefox 128',
    );
    // A real UA pushed past the cut by junk is not found.
    expect(look('8.8.8.8', `${' '.repeat(600)}${UA.firefoxLinux}`).browser).toBe('unknown');
  });

  it('cleans text the parser copies out of the User-Agent', () => {
    expect(look('8.8.8.8', 'Evil\u202eBrowser/1.0 (X)').browser).toBe('EvilBrowser 1');
    const long = look('8.8.8.8', `${'A'.repeat(400)}/1.0 (X)`).browser;
    expect(long.length).toBeLessThanOrEqual(64);
  });

  it('answers the same after the User-Agent cache has turned over many times', () => {
    const first = look('8.8.8.8', UA.safariIphone);
    for (let i = 0; i < 1000; i++)
      look('8.8.8.8', `Mozilla/5.0 (X11; Linux x86_64; rv:${i}.0) Gecko/20100101 Firefox/${i}.0`);
    expect(
      look('8.8.8.8', `Mozilla/5.0 (X11; Linux x86_64; rv:7.0) Gecko/20100101 Firefox/7.0`).browser,
    ).toBe('Firefox 7');
    expect(look('8.8.8.8', UA.safariIphone)).toEqual(first);
  });

  it(`parses each User-Agent once while it is among the ${UA_CACHE_ENTRIES} most recent`, async () => {
    const fresh = await createTechLookup();
    const parse = vi.spyOn(Bowser, 'parse');
    try {
      const other = (i: number) => `Mozilla/5.0 (X11; Linux x86_64; rv:${i}.0) Firefox/${i}.0`;
      const ua = (userAgent: string) => fresh.lookup({ ip: '', userAgent, anonymize: false });
      ua(UA.safariIphone);
      ua(UA.chromeWindows);
      ua(UA.safariIphone);
      expect(parse).toHaveBeenCalledTimes(2); // the repeat came from the cache
      // Fill the cache, then use Safari (inserted first): Chrome is now the least recently
      // used entry and goes first (a first-in-first-out cache would drop Safari).
      for (let i = 0; i < UA_CACHE_ENTRIES - 2; i++) ua(other(i));
      ua(UA.safariIphone);
      ua(other(-1));
      parse.mockClear();
      ua(UA.safariIphone);
      expect(parse).not.toHaveBeenCalled();
      expect(ua(UA.chromeWindows).browser).toBe('Chrome 130');
      expect(parse).toHaveBeenCalledTimes(1); // evicted, parsed again
    } finally {
      parse.mockRestore();
    }
  });
});

describe('embeddedCountryDb', () => {
  it('is the package file outside a single-file binary', () => {
    expect(embeddedCountryDb()).toBe(countryDbPath());
    expect(embeddedCountryDb({ isSea: () => false, getRawAsset: () => new ArrayBuffer(1) })).toBe(
      countryDbPath(),
    );
  });

  it('is the country.mmdb asset inside a single-file binary, the file when the asset is missing', async () => {
    const file = await readFile(countryDbPath());
    const asset = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    const keys: string[] = [];
    const sea = {
      isSea: () => true,
      getRawAsset: (key: string) => {
        keys.push(key);
        return asset;
      },
    };
    const bytes = embeddedCountryDb(sea);
    expect(keys).toEqual(['country.mmdb']);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const tech = await createTechLookup({ countryDb: bytes });
    expect(tech.lookup({ ip: '8.8.8.8', userAgent: '', anonymize: false }).country).toBe('US');
    const noAsset = {
      isSea: () => true,
      getRawAsset: (): ArrayBuffer => {
        throw new Error('No matching asset found');
      },
    };
    expect(embeddedCountryDb(noAsset)).toBe(countryDbPath());
  });
});

describe('createTechLookup with a city database', () => {
  let dir: string;
  let tech: TechLookup;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conduit-tech-'));
    const db = writeMmdb([
      // ip-location-db dbip-city layout
      ['1.1.1.0/24', { city: 'Sydney', country_code: 'AU' }],
      ['8.8.8.0/24', { city: 'Elsewhere', country_code: 'US' }],
      ['8.8.8.8/32', { city: 'Mountain View', country_code: 'US' }],
      // MaxMind / DB-IP lite layout
      [
        '193.0.6.0/24',
        { city: { names: { en: 'Amsterdam', de: 'Amsterdam' } }, country: { iso_code: 'NL' } },
      ],
      ['2a02:6b8::/32', { city: { names: { en: 'Moscow' } }, country: { iso_code: 'RU' } }],
      // Hostile file contents: control and bidi characters, a bogus country
      ['200.160.2.0/24', { city: 'S\u202eão\r\nPaulo', country_code: 'XX' }],
      ['10.0.0.0/8', { city: 'Intranet', country_code: 'US' }],
    ]);
    await writeFile(join(dir, 'city.mmdb'), db);
    tech = await createTechLookup({ cityDb: join(dir, 'city.mmdb') });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const look = (ip: string, anonymize = false) => tech.lookup({ ip, userAgent: '', anonymize });

  it('adds the city of both mmdb layouts, IPv4 and IPv6', () => {
    expect(look('1.1.1.1')).toMatchObject({ country: 'AU', city: 'Sydney' });
    expect(look('193.0.6.139')).toMatchObject({ country: 'NL', city: 'Amsterdam' });
    expect(look('2a02:6b8::1')).toMatchObject({ country: 'RU', city: 'Moscow' });
    expect(look('133.242.0.3')).toEqual({ ip: '133.242.0.3', country: 'JP', ...unknownUa });
  });

  it('looks the city up on the full address even when the result is anonymised', () => {
    expect(look('8.8.8.8', true)).toMatchObject({ ip: '8.8.8.0', city: 'Mountain View' });
    expect(look('8.8.8.9', true)).toMatchObject({ ip: '8.8.8.0', city: 'Elsewhere' });
  });

  it('cleans city names and takes the country only from the embedded database', () => {
    expect(look('200.160.2.3')).toMatchObject({ country: 'BR', city: 'SãoPaulo' });
  });

  it('gives no city for private addresses, whatever the file says', () => {
    expect(look('10.1.2.3')).toEqual({ ip: '10.1.2.3', ...unknownUa });
  });

  it('uses a country database given in options instead of the embedded one', async () => {
    const own = await createTechLookup({ countryDb: join(dir, 'city.mmdb') });
    // The fixture has no country for 133.242.0.3 and says AU for 1.1.1.1.
    expect(own.lookup({ ip: '133.242.0.3', userAgent: '', anonymize: false })).toEqual({
      ip: '133.242.0.3',
      ...unknownUa,
    });
    expect(own.lookup({ ip: '1.1.1.1', userAgent: '', anonymize: false }).country).toBe('AU');
    const missing = await createTechLookup({ countryDb: join(dir, 'nope.mmdb') }).catch((e) => e);
    expect(missing).toMatchObject({ code: 'geo_db_missing' });
  });

  it('reads a country database from bytes (as a single-file binary carries it)', async () => {
    const bytes = new Uint8Array(await readFile(countryDbPath()));
    const own = await createTechLookup({ countryDb: bytes });
    expect(own.lookup({ ip: '2a02:6b8::1', userAgent: '', anonymize: true })).toEqual({
      ip: '2a02:6b8::',
      country: 'RU',
      ...unknownUa,
    });
    const junk = await createTechLookup({ countryDb: Buffer.from('not an mmdb') }).catch((e) => e);
    expect(junk).toBeInstanceOf(TechLookupError);
    expect(junk).toMatchObject({ code: 'geo_db_unreadable' });
  });

  it('rejects a missing file with geo_db_missing', async () => {
    const error = await createTechLookup({ cityDb: join(dir, 'nope.mmdb') }).catch((e) => e);
    expect(error).toBeInstanceOf(TechLookupError);
    expect(error).toMatchObject({ code: 'geo_db_missing' });
    expect(error.message).toContain('nope.mmdb');
  });

  it('rejects a file that is not an mmdb with geo_db_unreadable', async () => {
    await writeFile(join(dir, 'text.mmdb'), 'this is not a database\n'.repeat(100));
    await writeFile(join(dir, 'gz.mmdb'), gzipSync(writeMmdb([['1.1.1.0/24', { city: 'x' }]])));
    for (const file of ['text.mmdb', 'gz.mmdb', '.']) {
      const error = await createTechLookup({ cityDb: join(dir, file) }).catch((e) => e);
      expect(error, file).toBeInstanceOf(TechLookupError);
      expect(error, file).toMatchObject({ code: 'geo_db_unreadable' });
      expect(error.cause, file).toBeInstanceOf(Error);
    }
  });
});

const unknownUa = { browser: 'unknown', os: 'unknown', device: 'unknown' };

describe('sharedValue', () => {
  it('keeps one entry per time zone or language tag, none for other shapes, and stops at the bound', () => {
    const count = sharedValueCount();
    for (const value of ['Europe/London', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'pt-BR']) {
      expect(sharedValue(JSON.parse(JSON.stringify(value)))).toBe(value);
      expect(sharedValue(value)).toBe(value);
    }
    expect(sharedValueCount()).toBe(count + 4);
    for (const junk of ['x'.repeat(100), 'Europe/London ', '<script>', 'a/b/c/d', '']) {
      expect(sharedValue(junk)).toBe(junk);
    }
    expect(sharedValueCount()).toBe(count + 4);
    for (let i = 0; sharedValueCount() < SHARED_VALUES; i++) sharedValue(`Zone/N${i}`);
    sharedValue('Zone/OneTooMany');
    expect(sharedValueCount()).toBe(SHARED_VALUES);
  });
});
