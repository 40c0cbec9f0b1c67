import { describe, expect, it } from 'vitest';
import * as emitter from './emitter.js';
import * as errors from './errors.js';
import { EN } from './i18n.js';
import { LAUNCHER_STRINGS } from './launcher-strings.js';
import * as mount from './mount.js';
import * as scriptTag from './script-tag.js';
import { SHARED, SHARED_FILES, SHARED_NAMES } from './shared.js';
import * as styles from './styles.js';
import * as tokenStore from './token-store.js';

describe('shared', () => {
  it('15: the facade’s English is the English table’s', () => {
    expect(LAUNCHER_STRINGS).toEqual({ open: EN.open, loadFailed: EN.loadFailed });
  });

  it('15: names each value it hands app.js by its export from one of the shared files', () => {
    const modules: Record<string, Record<string, unknown>> = {
      'emitter.ts': emitter,
      'errors.ts': errors,
      'mount.ts': mount,
      'script-tag.ts': scriptTag,
      'styles.ts': styles,
      'token-store.ts': tokenStore,
    };
    expect(Object.keys(modules).sort()).toEqual([...SHARED_FILES].sort());
    expect(SHARED).toHaveLength(SHARED_NAMES.length);
    SHARED_NAMES.forEach((name, i) => {
      const home = Object.entries(modules).filter(([, m]) => m[name] === SHARED[i]);
      expect(home.length, name).toBe(1);
    });
  });
});
