// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

// Builds the console as the relay serves it and reads the output: what ships is what the
// relay's CSP (`default-src 'self'`) must allow.
describe('build', () => {
  it('emits index.html with file-only scripts and styles, and no zod in the bundle', async () => {
    const out = (await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'silent',
      build: { write: false },
    })) as Rolldown.RolldownOutput;
    const files = out.output.map((o) => o.fileName);
    const html = out.output.find((o) => o.fileName === 'index.html');
    const text = (o: (typeof out.output)[number]) =>
      o.type === 'asset' ? String(o.source) : o.code;
    const js = out.output
      .filter((o) => o.fileName.endsWith('.js'))
      .map(text)
      .join('\n');

    expect(files).toContain('index.html');
    expect(files.some((f) => /^assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^assets\/.+\.css$/.test(f))).toBe(true);
    const page = html ? text(html) : '';
    // Relative URLs: the page works under /console/.
    expect(page).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
    // No inline script or style, no style attribute, no event-handler attribute.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son\w+=/i);
    expect(js).toContain('/v1/operator?site=');
    expect(js).not.toMatch(/zod|safeParse|ZodError|discriminatedUnion/);
    expect(js).not.toMatch(/localStorage|document\.cookie/);
  });

  it('has no source that writes HTML, inline styles, cookies or localStorage', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.tsx?$/.test(f) && !/(\.test\.tsx?|test-[\w-]+\.ts)$/.test(f),
    );
    expect(sources.length).toBeGreaterThan(10);
    for (const f of sources) {
      const code = readFileSync(join(dir, f), 'utf8');
      expect(code, f).not.toMatch(
        /innerHTML|dangerouslySetInnerHTML|\bstyle=|localStorage|document\.cookie/,
      );
    }
  });
});
