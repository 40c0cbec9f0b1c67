import { emitter } from './emitter.js';
import { WidgetError } from './errors.js';
import { mount } from './mount.js';
import { runCommand, SITE_ID } from './script-tag.js';
import { LAUNCHER_CSS, themeCss } from './styles.js';
import { tokenStore } from './token-store.js';

// What both script-tag files need. The facade (`widget.js`) carries it and hands it to the
// app (`app.js`) in the `conduit:app` handover, so app.js ships none of it a second time
// (issue #15 "Budget"). In app.js, every import of these modules is served from the handover
// instead (the `conduit-shared` plugin in vite.config.ts); createChat() (npm) bundles them.
// They are filled when the facade starts the app, so app.js must not use them while it loads
// (at the top level of a module): that is why the English table is not among them.

/**
 * The shared values, in the order of `SHARED_NAMES` (an array: property names would cost the
 * facade bytes that every page pays).
 */
export const SHARED = [
  emitter,
  WidgetError,
  mount,
  runCommand,
  SITE_ID,
  LAUNCHER_CSS,
  themeCss,
  tokenStore,
] as const;

/** The export name of each value in `SHARED`, in order (the build's and the test's key). */
export const SHARED_NAMES = [
  'emitter',
  'WidgetError',
  'mount',
  'runCommand',
  'SITE_ID',
  'LAUNCHER_CSS',
  'themeCss',
  'tokenStore',
] as const;

/** The facade's copies of the shared values (see `SHARED`). */
export type Shared = typeof SHARED;

/** The source files whose exports `SHARED` names (app.js takes these from the facade). */
export const SHARED_FILES = [
  'emitter.ts',
  'errors.ts',
  'mount.ts',
  'script-tag.ts',
  'styles.ts',
  'token-store.ts',
];

/**
 * Fills app.js's imports of the shared files from the facade's `shared`, before anything
 * uses them. The real module does nothing: outside app.js the values are bundled.
 */
export function useShared(_shared: Shared): void {}
