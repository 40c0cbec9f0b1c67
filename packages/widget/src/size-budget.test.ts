// @vitest-environment node
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { appConfig, iifeConfig } from '../vite.config.js';
import { EN } from './i18n.js';
import { LOCALE_EVENT } from './locales/locale-script.js';
import { TABLES } from './locales/tables.js';
import { PANEL_CSS } from './panel-styles.js';
import { LAUNCHER_CSS } from './styles.js';

/** What every page pays: the script tag's file (`widget.js`, the facade), gzipped: 4 KiB (issue #15). */
export const GZIP_BUDGET = 4 * 1024;

/** The chat the facade loads (`app.js`), gzipped: the whole widget's former budget, 14 KiB. */
export const APP_GZIP_BUDGET = 14 * 1024;

/**
 * Most a language file (`dist/locales/<code>.js`) may weigh, bytes before compression. A
 * letter outside ASCII is a 6-byte `\u` escape, so Russian or Arabic need more than Latin.
 */
export const LOCALE_FILE_BYTES = 5 * 1024;

/** Most a language file may weigh gzipped (what a visitor of that language downloads). */
export const LOCALE_FILE_GZIP = 1024;

// Never in a browser bundle: schema code, HTML injection, eval, storage beyond sessionStorage.
const FORBIDDEN = [
  'zod',
  'safeParse',
  'ZodError',
  'discriminatedUnion',
  'eval(',
  'new Function',
  'localStorage',
  'document.cookie',
];

const outputOf = (out: unknown) => (out as Rolldown.RolldownOutput[]).flatMap((o) => o.output);
const codeOf = (out: unknown) =>
  outputOf(out)
    .map((c) => ('code' in c ? c.code : ''))
    .join('\n');
const sizes = (text: string) => {
  const gzip = gzipSync(text, { level: 9 }).length;
  const brotli = brotliCompressSync(text, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  return { gzip, brotli };
};

// The language files of the same build, by file name (filled by the first describe's build).
const locales = new Map<string, string>();

describe('script-tag facade (dist/widget.js)', () => {
  let code = '';
  let gzip = 0;

  beforeAll(async () => {
    const out = await build(iifeConfig(false));
    code = codeOf(out);
    const s = sizes(code);
    gzip = s.gzip;
    console.log(
      `widget.js: ${code.length} B minified, ${gzip} B gzip (${(gzip / 1024).toFixed(2)} KiB), ` +
        `${s.brotli} B brotli (${(s.brotli / 1024).toFixed(2)} KiB); budget ${GZIP_BUDGET} B gzip`,
    );
    for (const file of outputOf(out)) {
      if (file.type === 'asset') locales.set(file.fileName, String(file.source));
    }
    for (const [name, text] of locales) {
      const l = sizes(text);
      console.log(`${name}: ${text.length} B, ${l.gzip} B gzip, ${l.brotli} B brotli`);
    }
  }, 60_000);

  it('is a self-contained IIFE that boots from its script tag', () => {
    expect(code.startsWith('!function') || code.startsWith('(function')).toBe(true);
    expect(code).not.toMatch(/\bimport\s*\(|\bimport\s+[{*\w]|\brequire\(/);
    expect(code).toContain('currentScript');
    expect(code).toContain('"conduit:app"');
  });

  it('contains none of the identifiers that must never ship, no Preact and no connection code', () => {
    for (const word of [...FORBIDDEN, 'innerHTML', 'WebSocket', 'dangerouslySetInnerHTML']) {
      expect(code, word).not.toContain(word);
    }
    // Preact's internal vnode fields (`__k` children, `__e` DOM node) survive minification.
    expect(code).not.toMatch(/\.__k\b|\.__e\b/);
  });

  it(`15: is at most ${GZIP_BUDGET} bytes gzipped (4 KiB)`, () => {
    expect(gzip).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  it('15: carries only the launcher’s English, not the app’s strings or styles', () => {
    expect(code).not.toContain(JSON.stringify(EN.offline));
    expect(code).not.toContain(JSON.stringify(EN.reconnecting));
    expect(code).not.toContain('.p{');
  });

  it('ships English only: no other language’s strings are inside', () => {
    expect(code).toContain(JSON.stringify(EN.open));
    for (const table of Object.values(TABLES)) {
      expect(code, table.open).not.toContain(table.open);
      expect(code, table.offline).not.toContain(table.offline);
    }
  });
});

describe('script-tag app (dist/app.js)', () => {
  let code = '';
  let gzip = 0;

  beforeAll(async () => {
    code = codeOf(await build(appConfig(false)));
    const s = sizes(code);
    gzip = s.gzip;
    console.log(
      `app.js: ${code.length} B minified, ${gzip} B gzip (${(gzip / 1024).toFixed(2)} KiB), ` +
        `${s.brotli} B brotli (${(s.brotli / 1024).toFixed(2)} KiB); budget ${APP_GZIP_BUDGET} B gzip`,
    );
  }, 60_000);

  it('is a self-contained IIFE that hands itself over by an event, without a global', () => {
    expect(code.startsWith('!function') || code.startsWith('(function')).toBe(true);
    expect(code).not.toMatch(/\bimport\s*\(|\bimport\s+[{*\w]|\brequire\(/);
    expect(code).toContain('"conduit:app"');
    expect(code).not.toMatch(/^var |window\.\w+\s*=/);
  });

  it('contains none of the identifiers that must never ship', () => {
    for (const word of FORBIDDEN) expect(code, word).not.toContain(word);
  });

  it('B4: has innerHTML only in Preact’s own dangerouslySetInnerHTML branch, never used by the widget', async () => {
    // Preact's renderer supports `dangerouslySetInnerHTML`; the widget never passes it. The
    // widget's own code, built without Preact, must not mention innerHTML at all.
    const own = codeOf(
      await build({
        ...appConfig(false),
        build: {
          ...appConfig(false).build,
          rolldownOptions: {
            checks: { pluginTimings: false },
            external: [/^preact/],
            output: { globals: (id: string) => id.replace(/\W/g, '_') },
          },
        },
      }),
    );
    expect(own).not.toMatch(/innerHTML|dangerouslySetInnerHTML/);
    const uses = code.match(/\.innerHTML\b/g) ?? [];
    expect(uses.length).toBeLessThanOrEqual(2);
    expect(code).toMatch(/"dangerouslySetInnerHTML"==\w|\w==="?dangerouslySetInnerHTML/);
  }, 60_000);

  it(`15: is at most ${APP_GZIP_BUDGET} bytes gzipped (14 KiB)`, () => {
    expect(gzip).toBeLessThanOrEqual(APP_GZIP_BUDGET);
  });

  it('15: does not repeat the facade’s stylesheet and code (they come in the handover)', () => {
    const rule = (css: string) => css.trim().split('\n');
    for (const line of rule(LAUNCHER_CSS)) expect(code, line).not.toContain(line);
    for (const line of rule(PANEL_CSS).slice(0, 3)) expect(code, line).toContain(line);
  });

  it('ships English only: no other language’s strings are inside', () => {
    expect(code).toContain(JSON.stringify(EN.offline));
    for (const table of Object.values(TABLES)) {
      expect(code, table.open).not.toContain(table.open);
      expect(code, table.offline).not.toContain(table.offline);
    }
  });
});

describe('language files (dist/locales/<code>.js)', () => {
  const files = locales;

  it('are one small file per language other than English', () => {
    const names = Object.keys(TABLES).map((code) => `locales/${code}.js`);
    expect([...files.keys()].sort()).toEqual(names.sort());
    for (const [name, text] of files) {
      expect(text.length, name).toBeLessThanOrEqual(LOCALE_FILE_BYTES);
      expect(sizes(text).gzip, name).toBeLessThanOrEqual(LOCALE_FILE_GZIP);
    }
  });

  it('hold nothing but one dispatch of their table as data (no global, no other code)', () => {
    const shape =
      /^document\.dispatchEvent\(new CustomEvent\("([\w:]+)",\{detail:(\{.*\})\}\)\);\n$/s;
    for (const [code, table] of Object.entries(TABLES)) {
      const text = files.get(`locales/${code}.js`) ?? '';
      const [, event, detail] = text.match(shape) ?? [];
      expect(event, code).toBe(LOCALE_EVENT);
      // The detail is JSON: parsing it proves it is data, and it is exactly the table.
      expect(JSON.parse(detail ?? 'null'), code).toEqual({ code, strings: table });
      expect(text, code).toMatch(/^[\x20-\x7e\n]*$/);
    }
  });
});
