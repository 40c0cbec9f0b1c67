import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../packages/relay/src/cli.js';

// The README's "Self-hosting" section is followed without a clone, so what it shows must work:
// its config passes `conduit-relay check` with the output the README prints, and its table
// explains every field of that config.

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Self-hosting'), readme.indexOf('## Packages'));

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('README self-hosting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';

  it('13.5: its config passes conduit-relay check with the summary the README shows', async () => {
    const file = join(dir, 'conduit.json');
    writeFileSync(file, block);
    const out = capture();
    const err = capture();
    const result = await main(['check', '--config', file], {
      stdout: out.stream,
      stderr: err.stream,
      env: {},
      signals: false,
    });
    expect(result.code).toBe(0);
    const shown = /# \/etc\/conduit\/conduit\.json: (valid .*)\n/.exec(section)?.[1];
    expect(out.text()).toBe(`${file}: ${shown}\n`);
    // The placeholder hash is the only warning, and the README says so.
    expect(err.text()).toMatch(/^warning: sites\.0\.operators\.0\.key: a placeholder/);
    expect(section).toContain('`check` warns about it');
  });

  it('13.5: its field table explains every field of its config', () => {
    const config = JSON.parse(block) as Record<string, unknown> & { sites: object[] };
    const explained = new Set(
      [...section.matchAll(/^\| (`[^|]+`)\s*\|/gm)].flatMap((m) =>
        // `sites[].transcripts.to`, `offline.to` → transcripts, offline (site fields)
        [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((f) =>
          (f[1] ?? '').replace(/^sites\[\]\./, '').replace(/\.to$/, ''),
        ),
      ),
    );
    const site = config.sites[0] as Record<string, unknown>;
    const missing = [...Object.keys(config), ...Object.keys(site)].filter(
      (k) => k !== 'sites' && !explained.has(k),
    );
    expect(missing).toEqual([]);
  });
});
