import {
  clamp,
  type EndReason,
  LIMITS,
  pageUrl,
  type RelayToVisitor,
  type VisitorToRelay,
} from '@conduit-chat/protocol';
import { createElement, render } from 'preact';
import { attention } from './attention.js';
import type { BackoffOptions } from './backoff.js';
import { type ChatAction, type ChatState, initialChat, reduce } from './chat-store.js';
import { createConnection, type HelloBody, type SocketLike } from './connection.js';
import { emitter } from './emitter.js';
import { WidgetError } from './errors.js';
import {
  EN,
  isRtl,
  type LocaleTables,
  primaryTag,
  type Strings,
  type Texts,
  textsFor,
} from './i18n.js';
import { cleanIdentity, type Identity, type VisitorInfo } from './identity.js';
import { type Mounted, mount } from './mount.js';
import { PANEL_CSS } from './panel-styles.js';
import { SITE_ID } from './script-tag.js';
import { LAUNCHER_CSS, themeCss } from './styles.js';
import { tokenStore } from './token-store.js';
import { transcriptText } from './transcript.js';
import { App } from './ui/app.js';
import type { Actions, ViewProps } from './ui/types.js';

/** Options of `createChat()`. */
export interface ChatOptions {
  /** Relay base URL: `https://chat.example.com` (→ `wss://`), `http://…` (→ `ws://`), or `ws(s)://…`. */
  relay: string;
  /** Site id from the relay config. */
  site: string;
  /** Language tag; default `navigator.language`. Shipped: `LOCALES`. */
  locale?: string;
  /** Overrides for any UI string, in every language. */
  strings?: Partial<Strings>;
  /**
   * Overrides by language code (`en`, `de`, …; `'*'` for every language): any string and the
   * greeting, used while that language is shown; they win over `strings` and `greeting`.
   * @example { de: { greeting: 'Hallo! Wie können wir helfen?', send: 'Los' } }
   */
  texts?: Record<string, Texts>;
  /** Theme colour `#rrggbb`; default from the site settings, else `#2563eb`. */
  color?: string;
  /** Corner, taken literally; default the site setting, else `right` (both mirrored for ar, he). */
  position?: 'left' | 'right';
  /** Colour scheme: `auto` follows `prefers-color-scheme`; default from the site settings, else `auto`. */
  theme?: 'auto' | 'light' | 'dark';
  /** The team's logo or avatar (`https:` image URL) in the panel's header; default from the site settings. */
  logo?: string;
  /** Draw no launcher: the page opens the chat with its own button (`open()`, `toggle()`). */
  hideLauncher?: boolean;
  /** Open the panel at once. */
  open?: boolean;
  /** `on-open` (default): connect when the visitor opens the widget. `on-load`: connect at once, once consent is given. */
  connect?: 'on-open' | 'on-load';
  /** Consent for `on-load` (default false; `consent(true)` later). */
  consent?: boolean;
  /** Keep the resume token in sessionStorage so a reload resumes the chat (default true). */
  persist?: boolean;
  /** Beep on a new operator message while closed (default true). */
  sound?: boolean;
  /** Blink the page title on a new operator message while closed (default true). */
  titleBlink?: boolean;
  /** Greeting shown above the conversation (default from the site settings). */
  greeting?: string;
  /** Pre-chat form (default from the site settings, else `off`). */
  preChat?: 'off' | 'optional' | 'required';
  /** Send page URLs with their query string (default false: origin + path only). */
  keepQuery?: boolean;
  /** Where `<conduit-chat>` goes (default `document.body`). */
  parent?: HTMLElement;
  /** Opens sockets (tests; default the global `WebSocket`). */
  socket?: (url: string) => SocketLike;
  /** Reconnect delays (default 500 ms doubling to 30 s, with jitter). */
  backoff?: BackoffOptions;
}

/** A chat message as events report it. */
export interface MessageEvent {
  id: string;
  seq: number;
  from: 'visitor' | 'operator';
  name?: string | undefined;
  text: string;
  at: number;
  /** True for history replayed after a reload or reconnect. */
  replay: boolean;
}

/** Events of a chat (`chat.on(name, fn)`). */
export interface ChatEvents {
  /** The launcher is in the page. */
  ready: { site: string };
  open: undefined;
  close: undefined;
  /** A message was added to the conversation: an operator's as it arrives, the visitor's own once the relay took it. */
  message: MessageEvent;
  /** Unread operator messages changed. */
  unread: { count: number };
  /** Operators online changed (also on connect). */
  status: { online: boolean; operators: string[] };
  ended: { reason: EndReason };
  /** A refusal or failure, with a stable code (widget `WIDGET_ERROR_CODES` or relay `ERROR_CODES`). */
  error: { code: string; message: string };
}

/** A chat widget instance. */
export interface Chat {
  /** Opens the panel (and connects). */
  open(): void;
  /** Closes the panel. */
  close(): void;
  /** Opens or closes the panel. */
  toggle(): void;
  /** Tells the relay who the visitor is (name, e-mail, custom fields). */
  identify(identity: Identity): void;
  /** Reports a page change (single-page apps); defaults to `location` and `document.title`. */
  setPage(url?: string, title?: string): void;
  /** Grants or withdraws consent for `connect: "on-load"`. */
  consent(granted: boolean): void;
  /** Adds an event listener; returns a function that removes it. */
  on<K extends keyof ChatEvents>(event: K, fn: (payload: ChatEvents[K]) => void): () => void;
  /** Removes an event listener. */
  off<K extends keyof ChatEvents>(event: K, fn: (payload: ChatEvents[K]) => void): void;
  /** Removes every node, listener, timer and socket of the widget. */
  destroy(): void;
}

/** Quiet time after the last keystroke before `typing {on:false}` is sent, ms. */
export const TYPING_IDLE_MS = 3000;

/** `ws(s)://HOST/v1/visitor?site=ID` for a relay base URL. */
export function visitorUrl(relay: string, site: string): string {
  let url: URL | undefined;
  try {
    url = new URL(relay.replace(/^http/i, 'ws'));
  } catch {}
  if (!url || !/^wss?:$/.test(url.protocol)) {
    throw new WidgetError('bad_option', 'relay URL');
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}/v1/visitor?site=${encodeURIComponent(site)}`;
}

/** A chat, and what only the script-tag app uses: a language table that arrives later, the start. */
export interface ChatCore {
  chat: Chat;
  /** Puts a language table (of the visitor's language) under the site's overrides and redraws. */
  addStrings(table: Partial<Strings>): void;
  /**
   * Draws the widget (and connects or opens when the options or this tab's chat say so).
   * `createChat` starts by itself in a microtask; a chat given an element to adopt waits for
   * this call, so the script-tag app can attach the queued listeners first.
   */
  start(): void;
}

/**
 * `createChat` with the language `tables` it may use (the script tag starts with none), and
 * for the script-tag app the facade's element to `adopt`: its launcher is rendered over in
 * place (Preact reuses the button, so focus stays) and no second `ready` is emitted.
 */
export function chatCore(options: ChatOptions, tables: LocaleTables, adopt?: Mounted): ChatCore {
  const { site } = options;
  if (!SITE_ID.test(site ?? '')) throw new WidgetError('bad_option', 'site');
  const url = visitorUrl(options.relay, site);
  // On a server (SSR) the import is safe but a chat is not: say where to call it.
  if (typeof document === 'undefined' || typeof window === 'undefined') {
    throw new WidgetError('ssr', 'createChat() needs a browser: call it on the client');
  }
  const doc = document;
  const win = window;
  const events = emitter<ChatEvents>();
  const eye = attention(doc);
  const locale = options.locale ?? navigator.language;
  const code = primaryTag(locale);
  // The visitor's language table once known; until then English shows, and `lang` says so.
  let table = Object.hasOwn(tables, code) ? tables[code] : undefined;
  let lang = 'en';
  let t = textsFor(lang, table, options);
  const text = () => {
    lang = table ? code : 'en';
    t = textsFor(lang, table, options);
  };
  text();
  const tokens = tokenStore(site, options.persist);
  // The panel was open on the previous page of this tab's chat: open it again.
  const reopen = tokens.wasOpen();
  let state: ChatState = initialChat();
  let info: VisitorInfo = {};
  let consent = options.consent === true;
  let sound = options.sound !== false;
  let preChatDone = false;
  let visitorActed = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let typingOn = false;
  let page = { url: '', title: '' };
  let mounted: Mounted | null = null;
  let destroyed = false;
  // What had focus in the page when the panel opened: it gets it back when there is no launcher.
  let opener: Element | null = null;
  const scheme = win.matchMedia?.('(prefers-color-scheme: dark)');
  // While the full-screen panel is open the page behind does not scroll: one rule adopted
  // into the document (no style attribute, so a strict CSP holds), removed on close.
  const lock = 'adoptedStyleSheets' in doc ? new CSSStyleSheet() : null;
  lock?.replaceSync('@media (max-width:640px){html,body{overflow:hidden!important}}');
  const locked = (on: boolean) => {
    if (!lock) return;
    const others = doc.adoptedStyleSheets.filter((sheet) => sheet !== lock);
    if (on !== others.length < doc.adoptedStyleSheets.length) {
      doc.adoptedStyleSheets = on ? [...others, lock] : others;
    }
  };

  const readPage = (href = location.href, title = doc.title) => {
    page = { url: pageUrl(href, options.keepQuery), title: clamp(title, LIMITS.titleChars) };
  };
  readPage();

  // Browser facts as the relay expects them (lengths within LIMITS.localeChars by nature).
  const hello = (): HelloBody => ({
    page: { ...page, referrer: pageUrl(doc.referrer) },
    client: {
      lang: clamp(navigator.language || '', LIMITS.localeChars),
      tz: clamp(Intl.DateTimeFormat().resolvedOptions().timeZone || '', LIMITS.localeChars),
      screen: { w: screen.width | 0, h: screen.height | 0 },
    },
  });

  const fail = (code: string, message = code) => events.emit('error', { code, message });

  const conn = createConnection({
    url,
    hello,
    tokens,
    ...(options.socket && { socket: options.socket }),
    ...(options.backoff && { backoff: options.backoff }),
    // Browsers hide why an upgrade failed: the relay says whether this origin may connect.
    refused: () =>
      fetch(url.replace(/^ws/, 'http').replace('/v1/visitor?', '/v1/origin?'), {
        credentials: 'omit',
        cache: 'no-store',
      }).then((r) => r.status === 403),
    onFrame,
    onState: (next, reason) => {
      dispatch({ type: 'conn', state: next, reason });
      if (reason === 'closed') fail('closed');
      if (reason === 'unavailable') fail('origin_refused');
    },
  });

  function dispatch(action: ChatAction) {
    if (destroyed) return;
    const before = state.unread;
    state = reduce(state, action);
    tokens.markOpen(state.open);
    if (state.unread !== before) events.emit('unread', { count: state.unread });
    draw();
  }

  function onFrame(frame: RelayToVisitor, replay: boolean) {
    const known = frame.t === 'msg' && state.messages.some((m) => m.id === frame.id);
    // The visitor's own message the relay takes now (its `ack`, or its echo after a reconnect).
    const taken =
      (frame.t === 'ack' || frame.t === 'msg') &&
      state.messages.find((m) => m.id === frame.id && m.from === 'visitor' && !m.seq);
    dispatch({ type: 'frame', frame, replay });
    // A new operator message or invitation while the panel is closed or the tab hidden.
    const news =
      frame.t === 'invite' || (frame.t === 'msg' && frame.from === 'operator' && !replay);
    if (news && !known && (!state.open || doc.hidden)) {
      if (sound) eye.beep();
      if (options.titleBlink !== false) eye.blink(`(${state.unread || 1}) ${t.newMessage}`);
    }
    if (frame.t === 'welcome' || frame.t === 'status') {
      events.emit('status', { online: frame.online, operators: state.operators });
    }
    // Visitor info travels in its own frame, so a value the relay refuses costs no chat.
    if (frame.t === 'welcome' && Object.keys(info).length) conn.send({ t: 'info', ...info });
    if (frame.t === 'msg' && !known) {
      const { seq, id, from, name, text, at } = frame;
      events.emit('message', { id, seq, from, name, text, at, replay });
    }
    if (taken && 'seq' in frame) {
      const { id, text, at } = taken;
      events.emit('message', { id, seq: frame.seq, from: 'visitor', text, at, replay: false });
    }
    if (frame.t === 'ended') events.emit('ended', { reason: frame.reason });
    if (frame.t === 'error') fail(frame.code, frame.message);
  }

  const stopTyping = () => {
    clearTimeout(typingTimer);
    if (typingOn) conn.send({ t: 'typing', on: false });
    typingOn = false;
  };

  // Sends through the outbox; false (and an error event) when it is full.
  const send = (frame: VisitorToRelay) => {
    const taken = conn.send(frame);
    if (!taken) fail('outbox_full');
    return taken;
  };

  // 128 random bits as four base-36 numbers: unique per chat, within the protocol's id rules.
  const newId = () =>
    Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('-');

  const title = () => state.settings?.name || t.chat;

  const actions: Actions = {
    open: () => chat.open(),
    close: () => chat.close(),
    send(text) {
      const id = newId();
      stopTyping();
      if (send({ t: 'msg', id, text })) dispatch({ type: 'send', id, text, at: Date.now() });
    },
    typing() {
      if (conn.state !== 'open') return;
      if (!typingOn) conn.send({ t: 'typing', on: true });
      typingOn = true;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
    },
    preChat(value) {
      preChatDone = true;
      if (value) chat.identify(value);
      else draw();
    },
    offline({ name, email, text = '' }) {
      const id = newId();
      if (send({ t: 'offline', id, name, email, text })) dispatch({ type: 'offline', id });
    },
    end: () => conn.end(),
    restart() {
      preChatDone = false;
      dispatch({ type: 'restart' });
      conn.connect();
    },
    download() {
      const a = doc.createElement('a');
      const text = transcriptText(state.messages, t, title(), locale);
      a.download = 'chat-transcript.txt';
      a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
      mounted?.container.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href));
    },
    retry: () => conn.connect(),
    sound(on) {
      sound = on;
      draw();
    },
  };

  function draw() {
    if (!mounted || destroyed) return;
    const s = state.settings;
    const { host, container } = mounted;
    const theme = options.theme ?? s?.theme ?? 'auto';
    const logo = options.logo ?? s?.logo ?? '';
    // The site's side is for left-to-right pages: mirrored for ar/he, as the page's own is not.
    const side = options.position ?? s?.position;
    host.classList.toggle('left', (side === 'left') !== (!options.position && isRtl(code)));
    host.classList.toggle('open', state.open);
    host.classList.toggle('nl', options.hideLauncher === true);
    host.classList.toggle('dk', theme === 'dark' || (theme === 'auto' && !!scheme?.matches));
    locked(state.open);
    const props: ViewProps = {
      state,
      t,
      actions,
      title: title(),
      greeting: t.greeting ?? options.greeting ?? s?.greeting ?? null,
      preChat: options.preChat ?? s?.preChat ?? 'off',
      preChatDone: preChatDone || !!info.name,
      sound,
      locale,
      lang,
      dir: isRtl(lang) ? 'rtl' : 'ltr',
      // Only an absolute https: URL (the relay checks its own; an option is checked here).
      logo: /^https:\/\/[^\s"'<>]+$/.test(logo) ? logo : null,
      launcher: options.hideLauncher !== true,
    };
    render(createElement(App, props), container);
    // Theme colour, and on small screens the visual viewport (on-screen keyboard): the panel
    // covers exactly what the visitor sees, so the composer stays above the keyboard.
    const vv = win.visualViewport;
    const small = vv && state.open && win.innerWidth <= 640;
    const top = small ? `:host{--conduit-vt:${Math.round(vv.offsetTop)}px}` : '';
    mounted.setTheme(themeCss(options.color ?? s?.color, small ? vv.height : undefined) + top);
  }

  const onOnline = () => conn.retryNow();
  const onVisible = () => {
    if (doc.hidden) return;
    conn.retryNow();
    if (state.open) eye.stop();
  };
  // Every listener the widget adds to the page, removed again by destroy().
  const listen = (on: boolean) => {
    const method = on ? 'addEventListener' : 'removeEventListener';
    win[method]('online', onOnline);
    doc[method]('visibilitychange', onVisible);
    doc[method]('DOMContentLoaded', start);
    win.visualViewport?.[method]('resize', draw);
    win.visualViewport?.[method]('scroll', draw);
    scheme?.[method]('change', draw);
  };

  function start() {
    if (destroyed || mounted || !(adopt ?? options.parent ?? doc.body)) return;
    const css = LAUNCHER_CSS + PANEL_CSS;
    if (adopt) adopt.setCss(css);
    mounted = adopt ?? mount(options.parent ?? doc.body, css);
    draw();
    // The facade already said so when it drew its launcher.
    if (!adopt) events.emit('ready', { site });
    // A chat already exists in this tab (reload, next page): resume it at once.
    if (tokens.get() || (options.connect === 'on-load' && consent)) conn.connect();
    if (options.open || reopen) chat.open();
  }

  const chat: Chat = {
    open() {
      if (destroyed || state.open) return;
      visitorActed = true;
      eye.stop();
      opener = doc.activeElement;
      dispatch({ type: 'open' });
      if (conn.state === 'idle' && !state.idleReason) conn.connect();
      events.emit('open', undefined);
    },
    close() {
      if (destroyed || !state.open) return;
      stopTyping();
      dispatch({ type: 'close' });
      if (options.hideLauncher && opener instanceof HTMLElement && opener.isConnected)
        opener.focus();
      events.emit('close', undefined);
    },
    toggle: () => (state.open ? chat.close() : chat.open()),
    identify(identity) {
      info = { ...info, ...cleanIdentity(identity) };
      if (conn.state === 'open') conn.send({ t: 'info', ...info });
      draw();
    },
    setPage(href, pageTitle) {
      readPage(href, pageTitle);
      if (conn.state === 'open') conn.send({ t: 'page', ...page });
    },
    consent(granted) {
      consent = granted === true;
      if (consent && options.connect === 'on-load' && mounted) conn.connect();
      // Withdrawn before the visitor ever opened the chat: disconnect and forget the token.
      if (!consent && !visitorActed) {
        conn.destroy();
        tokens.set(null);
      }
    },
    on: events.on,
    off: events.off,
    destroy() {
      if (destroyed) return;
      stopTyping();
      conn.destroy();
      tokens.markOpen(false);
      destroyed = true;
      eye.stop();
      listen(false);
      locked(false);
      if (mounted) render(null, mounted.container);
      (mounted ?? adopt)?.unmount();
      mounted = null;
      events.clear();
    },
  };

  listen(true);
  if (!adopt) queueMicrotask(start);
  return {
    chat,
    addStrings(more) {
      // Only the keys the widget knows (a language file's table is checked for shape only).
      const known = Object.fromEntries(Object.entries(more).filter(([k]) => Object.hasOwn(EN, k)));
      if (Object.keys(known).length) table = { ...table, ...known };
      text();
      draw();
    },
    start,
  };
}
