import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type InlineConfig } from 'vite';

// Two builds from one source (README "Module boundaries"):
//   vite build               → dist/widget.js  IIFE, minified, everything bundled (script tag)
//   vite build --mode esm    → dist/index.js   ESM for npm (preact and protocol bundled)
// Types come from `tsc -p tsconfig.build.json` (emitDeclarationOnly).
const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

/** The script-tag (IIFE) build; the size test builds it in memory with `write: false`. */
export function iifeConfig(write = true): InlineConfig {
  return {
    configFile: false,
    // The same output whether built by the CLI or by the size test inside vitest (NODE_ENV=test).
    mode: 'production',
    logLevel: 'warn',
    resolve: { conditions: ['conduit:source', ...defaultClientConditions] },
    // Classic `h()` calls: preact's jsx-runtime module would add ~200 bytes gzipped.
    oxc: {
      jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment', development: false },
      jsxInject: `import { h, Fragment } from 'preact'`,
    },
    build: {
      write,
      outDir: fileURLToPath(new URL('./dist', import.meta.url)),
      emptyOutDir: false,
      target: 'es2022',
      // terser with three passes is ~400 bytes (gzipped) smaller than the default minifier here.
      minify: 'terser',
      terserOptions: { ecma: 2020, compress: { passes: 3 } },
      sourcemap: false,
      lib: {
        entry: src('widget.ts'),
        formats: ['iife'],
        name: 'ConduitWidget',
        fileName: () => 'widget.js',
      },
    },
  };
}

/** The npm (ESM) build. */
export function esmConfig(): InlineConfig {
  return {
    ...iifeConfig(),
    build: {
      outDir: fileURLToPath(new URL('./dist', import.meta.url)),
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      rolldownOptions: { checks: { pluginTimings: false } },
      lib: { entry: src('index.ts'), formats: ['es'], fileName: () => 'index.js' },
    },
  };
}

export default defineConfig(({ mode }) => (mode === 'esm' ? esmConfig() : iifeConfig()));
