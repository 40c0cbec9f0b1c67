import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions, defineConfig, type InlineConfig, type Plugin } from 'vite';
import { localeScript } from './src/locales/locale-script.js';
import { TABLES } from './src/locales/tables.js';
import { SHARED_FILES, SHARED_NAMES } from './src/shared.js';

// Three builds from one source (README "Module boundaries"):
//   vite build               → dist/widget.js  IIFE, minified: the script tag's facade
//                              dist/locales/<code>.js  one classic script per other language
//   vite build --mode app    → dist/app.js     IIFE, minified, English only: the chat the
//                              facade loads (served as /widget/app.js)
//   vite build --mode esm    → dist/index.js   ESM for npm (preact and protocol bundled)
//                              dist/lazy/<code>.js  one chunk per other language, import()ed
// Types come from `tsc -p tsconfig.build.json` (emitDeclarationOnly).
const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

/** Emits `locales/<code>.js` for every table in `src/locales/` (README "Locales"). */
function localeFiles(): Plugin {
  return {
    name: 'conduit-locale-files',
    generateBundle() {
      for (const [code, table] of Object.entries(TABLES)) {
        this.emitFile({
          type: 'asset',
          fileName: `locales/${code}.js`,
          source: localeScript(code, table),
        });
      }
    },
  };
}

/**
 * app.js takes what `src/shared.ts` names from the facade instead of bundling a copy: every
 * import of a shared file (and of shared.ts) resolves to one module whose bindings
 * `useShared()` fills from the handover. An import of anything else from those files fails
 * the build (a missing export), so nothing is silently undefined.
 */
function sharedFromFacade(): Plugin {
  const ID = '\0conduit-shared';
  const names = SHARED_NAMES.join(',');
  return {
    name: 'conduit-shared',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || importer === ID) return null;
      const found = await this.resolve(source, importer, { ...options, skipSelf: true });
      const file = found && relative(src(''), found.id);
      return file && (file === 'shared.ts' || SHARED_FILES.includes(file)) ? ID : null;
    },
    load(id) {
      if (id !== ID) return null;
      return `export let ${names};\nexport function useShared(s){[${names}]=s}\n`;
    },
  };
}

/**
 * The script tag's facade (IIFE, `widget.js`, with the language files); the size test builds
 * it in memory with `write: false`.
 */
export function iifeConfig(write = true): InlineConfig {
  return {
    configFile: false,
    // The same output whether built by the CLI or by the size test inside vitest (NODE_ENV=test).
    mode: 'production',
    logLevel: 'warn',
    resolve: { conditions: ['conduit:source', ...defaultClientConditions] },
    // Classic `h()` calls: preact's jsx-runtime module would add ~200 bytes gzipped. The
    // import goes into .tsx files only: injected into every module, it would put Preact into
    // the facade, which renders no JSX.
    oxc: {
      include: /\.tsx$/,
      jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment', development: false },
      jsxInject: `import { h, Fragment } from 'preact'`,
    },
    plugins: [localeFiles()],
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

/** The script tag's app (IIFE, `app.js`), loaded by the facade. */
export function appConfig(write = true): InlineConfig {
  const base = iifeConfig(write);
  return {
    ...base,
    plugins: [sharedFromFacade()],
    build: {
      ...base.build,
      lib: {
        entry: src('app.ts'),
        formats: ['iife'],
        name: 'ConduitApp',
        fileName: () => 'app.js',
      },
    },
  };
}

/** Both script-tag files (and the language files) into `outDir`, as the relay serves them. */
export async function buildScriptTag(outDir: string): Promise<void> {
  for (const config of [iifeConfig(), appConfig()]) {
    await build({ ...config, build: { ...config.build, outDir } });
  }
}

/** The npm (ESM) build. */
export function esmConfig(): InlineConfig {
  return {
    ...iifeConfig(),
    // Languages are chunks imported by createChat() (dist/lazy/): no script-tag locale files.
    plugins: [],
    build: {
      outDir: fileURLToPath(new URL('./dist', import.meta.url)),
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        checks: { pluginTimings: false },
        // One chunk per language (`locales/lazy-tables.ts`), by name: `dist/lazy/de.js`.
        output: { chunkFileNames: 'lazy/[name].js' },
      },
      lib: { entry: src('index.ts'), formats: ['es'], fileName: () => 'index.js' },
    },
  };
}

export default defineConfig(({ mode }) =>
  mode === 'esm' ? esmConfig() : mode === 'app' ? appConfig() : iifeConfig(),
);
