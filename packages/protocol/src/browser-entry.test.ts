import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

// Browser packages import the package root; it must carry constants and helpers but not zod.
describe('browser entry', () => {
  it('bundles without zod or any schema code', async () => {
    const out = (await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: fileURLToPath(new URL('./index.ts', import.meta.url)), formats: ['es'] },
      },
    })) as Rolldown.RolldownOutput[];
    const code = out
      .flatMap((o) => o.output)
      .map((c) => ('code' in c ? c.code : ''))
      .join('\n');
    expect(code).toContain('frameBytes');
    expect(code).toContain('cleanLine');
    expect(code).not.toMatch(/zod|safeParse|ZodError|discriminatedUnion/);
    // A backstop for the names above: any schema library adds tens of KB; the entry is ~8 KB.
    expect(code.length).toBeLessThan(12_000);
  });
});
