import {
  APP_EVENT,
  type AppAnnouncement,
  type AppHandle,
  HANDOVER_VERSION,
} from './app-handover.js';
import type { Chat, ChatEvents } from './chat.js';
import { emitter } from './emitter.js';
import { WidgetError } from './errors.js';
import { isRtl, localeCode, type Strings } from './i18n.js';
import { LAUNCHER_STRINGS as EN } from './launcher-strings.js';
import { loadLocale } from './locale-loader.js';
import { type Mounted, mount } from './mount.js';
import { insertScript } from './script-loader.js';
import {
  appUrl,
  type Command,
  type CommandFunction,
  localeUrl,
  runCommand,
  SITE_ID,
  scriptOptions,
} from './script-tag.js';
import { SHARED } from './shared.js';
import { staticLauncher } from './static-launcher.js';
import { LAUNCHER_CSS, themeCss } from './styles.js';
import { overlay } from './texts.js';
import { tokenStore } from './token-store.js';

// The script tag's first file (`widget.js`): a launcher that looks and reads like the real
// one, and the `window.Conduit` queue, without Preact or any connection code. The chat itself
// (`app.js`) is loaded when the visitor shows intent or the page needs it ("Lazy load
// third-party resources with facades", https://developer.chrome.com/docs/lighthouse/performance/third-party-facades).

/**
 * Where the facade is: `idle` (launcher only), `loading` (`app.js` requested), `failed` (it did
 * not arrive; the next click tries again), `running` (the app has taken over), `destroyed`.
 */
export type FacadeState = 'idle' | 'loading' | 'failed' | 'running' | 'destroyed';

const MOVES: Record<FacadeState, FacadeState[]> = {
  idle: ['loading', 'destroyed'],
  loading: ['running', 'failed', 'destroyed'],
  failed: ['loading', 'destroyed'],
  running: ['destroyed'],
  destroyed: [],
};

/**
 * Loads the app file at `src` and calls `done(true)` once it ran, `done(false)` when it did
 * not load. Default: a transient `<script>` with the widget's nonce (`insertScript`).
 */
export type AppLoader = (src: string, done: (loaded: boolean) => void) => void;

/**
 * Most commands kept while the app is not there (a visitor may never click). A newer
 * `setPage` or `consent` replaces the queued one (only the last counts before a connection);
 * beyond the limit a command is refused with an `error` event (`refused`).
 */
export const QUEUED_COMMANDS = 100;

/**
 * Script-tag boot: reads the tag, installs `window.Conduit` (replaying the snippet's queue),
 * draws `<conduit-chat>` with the launcher and emits `ready`. `app.js` is loaded on the first
 * intent (pointer over, focus, touch: a preload), a click or `open` (load, then open), a chat
 * already in this tab, `data-open`, or `connect: "on-load"` with consent. Returns the
 * facade's `Chat` (`window.Conduit.chat`), whose methods reach the real chat once it runs.
 */
export function bootFacade(
  script: HTMLScriptElement | null,
  win: Window & { Conduit?: CommandFunction },
  loadApp?: AppLoader,
): Chat {
  const doc = win.document;
  const found = script ?? doc.querySelector<HTMLScriptElement>('script[data-site][src*="widget"]');
  if (!found) throw new WidgetError('bad_option', 'no script tag with data-site');
  const tag: HTMLScriptElement = found;
  const options = scriptOptions(tag);
  const { site } = options;
  if (!SITE_ID.test(site)) throw new WidgetError('bad_option', 'site');
  // The nonce is read now, while the tag runs: a strict nonce CSP then allows the files too.
  const nonce = tag.nonce ?? '';
  const load: AppLoader = loadApp ?? ((src, done) => insertScript(doc, src, nonce, done));
  const events = emitter<ChatEvents>();
  const queue: Command[] = [];
  // Every listener the facade adds to the page; all removed at the handover or destroy().
  const listeners = new AbortController();
  const signal = listeners.signal;
  let state: FacadeState = 'idle';
  let app: AppHandle | null = null;
  let mounted: Mounted | null = null;
  let button: HTMLButtonElement | null = null;
  let table: Partial<Strings> = {};
  let consent = options.consent === true;
  let wanted = false;
  const code = localeCode(options.locale ?? win.navigator.language);

  const go = (next: FacadeState) => {
    if (!MOVES[state].includes(next)) throw new WidgetError('bad_state', `${state} → ${next}`);
    state = next;
    label();
  };

  const fail = (message: string, code = 'load_failed') => {
    go('failed');
    events.emit('error', { code, message });
  };

  // The launcher's accessible name; after a failed load it says so (and shows it on hover).
  function label() {
    if (!button) return;
    // The strings as the app will show them (the site's overrides for the language shown).
    const t = overlay(EN, Object.keys(table).length ? code : 'en', table, options);
    const name = state === 'failed' ? `${t.open} (${t.loadFailed})` : t.open;
    button.setAttribute('aria-label', name);
    if (state === 'failed') button.title = name;
    else button.removeAttribute('title');
    if (state === 'loading') button.setAttribute('aria-busy', 'true');
    else button.removeAttribute('aria-busy');
  }

  function handOver(start: AppAnnouncement['start']) {
    if (state !== 'loading' || !mounted) return;
    try {
      app = start({ options, mounted, strings: table, commands: queue.slice(), shared: SHARED });
    } catch (error) {
      const code = error instanceof WidgetError ? error.code : 'load_failed';
      fail(error instanceof Error ? error.message : String(error), code);
      return;
    }
    // From here on the launcher is Preact's: the facade lets go of it.
    button = null;
    queue.length = 0;
    listeners.abort();
    events.clear();
    go('running');
  }

  function loadAppFile() {
    if (state !== 'idle' && state !== 'failed') return;
    go('loading');
    const onApp = (event: Event) => {
      doc.removeEventListener(APP_EVENT, onApp);
      let start: AppAnnouncement['start'] | undefined;
      try {
        const detail = (event as CustomEvent<AppAnnouncement>).detail;
        if (detail.v === HANDOVER_VERSION && typeof detail.start === 'function') {
          start = detail.start;
        }
      } catch {
        // A detail that throws when read is no app.
      }
      if (start) handOver(start);
      else if (state === 'loading') fail('app.js of another version');
    };
    doc.addEventListener(APP_EVENT, onApp);
    load(appUrl(tag), (loaded) => {
      doc.removeEventListener(APP_EVENT, onApp);
      if (state === 'loading') fail(loaded ? 'app.js did not start' : 'app.js did not load');
    });
  }

  // The app is needed: now if the launcher is drawn, else as soon as it is.
  function request() {
    if (mounted) loadAppFile();
    else wanted = true;
  }

  const preload = () => {
    if (state === 'idle') request();
  };

  function draw() {
    if (state === 'destroyed' || mounted || !doc.body) return;
    mounted = mount(doc.body, LAUNCHER_CSS);
    mounted.setTheme(themeCss(options.color));
    // As the app does: the default side mirrored for ar/he, a page's own `position` literal.
    mounted.host.classList.toggle('left', (options.position ?? (isRtl(code) && 'left')) === 'left');
    // `hideLauncher`: the page's own button calls open(); nothing to draw until then.
    if (!options.hideLauncher) {
      // The same nodes the app's Launcher renders, so Preact takes them over in place.
      const launcher = staticLauncher(doc);
      button = launcher.button;
      mounted.container.append(launcher.wrap);
      label();
      launcher.button.addEventListener('click', () => chat.open(), { signal });
      for (const intent of ['pointerenter', 'focus', 'touchstart']) {
        launcher.button.addEventListener(intent, preload, { signal, passive: true });
      }
    }
    events.emit('ready', { site });
    // Reading sessionStorage writes nothing: a chat of this tab resumes at once, as before.
    const resume = tokenStore(site, options.persist).get() !== null;
    if (wanted || resume || options.open || (options.connect === 'on-load' && consent)) {
      request();
    }
  }

  // Before the app runs, a command is queued (and the app requested when it needs it).
  function call(command: Command, needsApp = false) {
    if (app) return runCommand(app.chat, command);
    if (state === 'destroyed') return;
    const [name] = command;
    const last = name === 'setPage' || name === 'consent';
    const i = last ? queue.findIndex(([queued]) => queued === name) : -1;
    if (i >= 0) queue.splice(i, 1);
    if (queue.length >= QUEUED_COMMANDS) {
      events.emit('error', { code: 'refused', message: `command ${name}: queue full` });
    } else queue.push(command);
    if (needsApp) request();
  }

  const chat: Chat = {
    open: () => call(['open'], true),
    close: () => call(['close']),
    // Closed until the app runs: a toggle opens.
    toggle: () => (app ? app.chat.toggle() : chat.open()),
    identify: (identity) => call(['identify', identity]),
    // The page as it is now, not when the app arrives (a single-page app may move on).
    setPage: (url = win.location.href, title = doc.title) => call(['setPage', url, title]),
    consent(granted) {
      if (!app) consent = granted === true;
      call(['consent', granted], consent && options.connect === 'on-load');
    },
    on(event, fn) {
      if (app) return app.chat.on(event, fn);
      events.on(event, fn);
      // `ready` is the facade's own event: the app does not emit it a second time.
      if (event !== 'ready') call(['on', event, fn]);
      return () => chat.off(event, fn);
    },
    off(event, fn) {
      events.off(event, fn);
      call(['off', event, fn]);
    },
    destroy() {
      if (state === 'destroyed') return;
      app?.chat.destroy();
      listeners.abort();
      stopLocale();
      mounted?.unmount();
      events.clear();
      queue.length = 0;
      button = null;
      go('destroyed');
    },
  };

  const stopLocale =
    code === 'en'
      ? () => {}
      : loadLocale(doc, localeUrl(tag, code), code, nonce, (strings) => {
          table = { ...table, ...strings };
          if (app) app.addStrings(strings);
          else label();
        });

  const queued = win.Conduit?.q ?? [];
  const conduit: CommandFunction = (...command) => {
    try {
      runCommand(chat, command);
    } catch (error) {
      console.error(error);
    }
  };
  conduit.chat = chat;
  win.Conduit = conduit;
  for (const command of Array.from(queued)) conduit(...(Array.from(command) as Command));
  doc.addEventListener('DOMContentLoaded', draw, { signal });
  queueMicrotask(draw);
  return chat;
}
