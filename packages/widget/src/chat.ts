import {
  cleanLine,
  type EndReason,
  LIMITS,
  pageUrl,
  type RelayToVisitor,
  type VisitorToRelay,
} from '@conduit-chat/protocol';
import { h, render } from 'preact';
import { Attention } from './attention.js';
import type { BackoffOptions } from './backoff.js';
import { type ChatAction, type ChatState, initialChat, reduce } from './chat-store.js';
import { ConnectionClient, type HelloBody, type SocketLike } from './connection.js';
import { Emitter } from './emitter.js';
import { WidgetError, type WidgetErrorCode } from './errors.js';
import { type Strings, strings } from './i18n.js';
import { cleanIdentity, type Identity, type VisitorInfo } from './identity.js';
import { type Mounted, mount } from './mount.js';
import { CSS, themeCss } from './styles.js';
import { memoryTokenStore, sessionTokenStore, type TokenStore } from './token-store.js';
import { transcriptText } from './transcript.js';
import { App } from './ui/app.js';
import type { Actions, ViewProps } from './ui/types.js';

/** Options of `createChat()`. */
export interface ChatOptions {
  /** Relay base URL: `https://chat.example.com` (→ `wss://`), `http://…` (→ `ws://`), or `ws(s)://…`. */
  relay: string;
  /** Site id from the relay config. */
  site: string;
  /** Language tag; default `navigator.language`. Shipped: en, de, fr, es, pt. */
  locale?: string;
  /** Overrides for any UI string. */
  strings?: Partial<Strings>;
  /** Theme colour `#rrggbb`; default from the site settings, else `#2563eb`. */
  color?: string;
  /** Corner; default from the site settings, else `right`. */
  position?: 'left' | 'right';
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
  /** A message was added to the conversation (either side). */
  message: MessageEvent;
  /** Unread operator messages changed. */
  unread: { count: number };
  /** Operators online changed (also on connect). */
  status: { online: boolean; operators: string[] };
  ended: { reason: EndReason };
  /** A refusal or failure, with a stable code (widget `WIDGET_ERRORS` or relay `ERROR_CODES`). */
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

// 64 URL-safe characters: a 21-character id carries 126 random bits, like a nanoid.
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** Quiet time after the last keystroke before `typing {on:false}` is sent, ms. */
export const TYPING_IDLE_MS = 3000;

/** `ws(s)://HOST/v1/visitor?site=ID` for a relay base URL. */
export function visitorUrl(relay: string, site: string): string {
  let url: URL;
  try {
    url = new URL(relay);
  } catch (cause) {
    throw new WidgetError('bad_option', 'relay must be an absolute URL.', { cause });
  }
  const scheme = { 'https:': 'wss:', 'wss:': 'wss:', 'http:': 'ws:', 'ws:': 'ws:' }[url.protocol];
  if (!scheme) throw new WidgetError('bad_option', 'relay must be http(s) or ws(s).');
  const base = url.pathname.replace(/\/+$/, '');
  return `${scheme}//${url.host}${base}/v1/visitor?site=${encodeURIComponent(site)}`;
}

/**
 * Creates the chat widget: draws the launcher and nothing else until the visitor opens it
 * (or `connect: "on-load"` with consent). Call in a browser; importing the module is SSR-safe.
 * @example
 * const chat = createChat({ relay: 'https://chat.example.com', site: 'acme' });
 * chat.on('unread', ({ count }) => (badge.textContent = String(count)));
 */
export function createChat(options: ChatOptions): Chat {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(options.site ?? '')) {
    throw new WidgetError('bad_option', 'site must be letters, digits, _ or -.');
  }
  const url = visitorUrl(options.relay, options.site);
  const doc = document;
  const win = window;
  const events = new Emitter<ChatEvents>();
  const attention = new Attention(doc);
  const locale = options.locale ?? win.navigator.language;
  const t = strings(locale, options.strings);
  const tokens: TokenStore =
    options.persist === false ? memoryTokenStore() : sessionTokenStore(options.site);
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

  const readPage = (u = win.location.href, title = doc.title) => {
    page = {
      url: pageUrl(u, options.keepQuery === true),
      title: cleanLine(title, LIMITS.titleChars),
    };
  };
  readPage();

  const hello = (): HelloBody => {
    const body: HelloBody = {
      page: { ...page, referrer: pageUrl(doc.referrer) },
      client: {
        lang: cleanLine(win.navigator.language ?? '', LIMITS.localeChars),
        tz: cleanLine(Intl.DateTimeFormat().resolvedOptions().timeZone ?? '', LIMITS.localeChars),
        screen: {
          w: Math.min(LIMITS.screenPixels, Math.max(0, Math.round(win.screen?.width ?? 0))),
          h: Math.min(LIMITS.screenPixels, Math.max(0, Math.round(win.screen?.height ?? 0))),
        },
      },
    };
    if (Object.keys(info).length) body.info = info;
    return body;
  };

  const fail = (code: string, message: string) => events.emit('error', { code, message });
  const widgetFail = (code: WidgetErrorCode) => fail(code, new WidgetError(code).message);

  const conn = new ConnectionClient({
    url,
    hello,
    tokens,
    ...(options.socket ? { socket: options.socket } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    onFrame: (frame, replay) => onFrame(frame, replay),
    onState: (next, reason) => {
      dispatch({ type: 'conn', state: next, reason });
      if (reason === 'closed') widgetFail('closed');
    },
  });

  function dispatch(action: ChatAction) {
    if (destroyed) return;
    const before = state;
    state = reduce(state, action);
    if (state.unread !== before.unread) events.emit('unread', { count: state.unread });
    draw();
  }

  function onFrame(frame: RelayToVisitor, replay: boolean) {
    const had = new Set(state.messages.map((m) => m.id));
    dispatch({ type: 'frame', frame, replay });
    switch (frame.t) {
      case 'welcome':
      case 'status':
        events.emit('status', {
          online: frame.online,
          operators: frame.operators.map((o) => o.name),
        });
        break;
      case 'msg':
        if (!had.has(frame.id)) {
          const { seq, id, from, name, text, at } = frame;
          events.emit('message', { id, seq, from, name, text, at, replay });
          if (from === 'operator' && !replay && (!state.open || doc.hidden)) alert();
        }
        break;
      case 'invite':
        if (!state.open || doc.hidden) alert();
        break;
      case 'ended':
        events.emit('ended', { reason: frame.reason });
        break;
      case 'error':
        fail(frame.code, frame.message);
        break;
    }
  }

  function alert() {
    if (sound) attention.beep();
    if (options.titleBlink !== false)
      attention.blink(`(${Math.max(1, state.unread)}) ${t.newMessage}`);
  }

  const stopTyping = () => {
    clearTimeout(typingTimer);
    if (typingOn) conn.send({ t: 'typing', on: false });
    typingOn = false;
  };

  const send = (frame: VisitorToRelay) => {
    try {
      conn.send(frame);
      return true;
    } catch (error) {
      widgetFail(error instanceof WidgetError ? error.code : 'refused');
      return false;
    }
  };

  const newId = () => {
    const bytes = win.crypto.getRandomValues(new Uint8Array(21));
    return Array.from(bytes, (b) => ID_ALPHABET[b & 63]).join('');
  };

  const actions: Actions = {
    open: () => chat.open(),
    close: () => chat.close(),
    send(text) {
      if (text.length > LIMITS.textChars) return widgetFail('too_long');
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
    offline(value) {
      const id = newId();
      const frame = {
        t: 'offline' as const,
        id,
        name: value.name,
        email: value.email,
        text: value.text ?? '',
      };
      if (send(frame)) dispatch({ type: 'offline', id });
    },
    end: () => conn.end(),
    restart() {
      preChatDone = false;
      dispatch({ type: 'restart' });
      conn.connect();
    },
    download() {
      const text = transcriptText(state.messages, t, title(), locale);
      const a = doc.createElement('a');
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

  const settings = () => state.settings;
  const title = () => settings()?.name || t.chat;

  function draw() {
    if (!mounted || destroyed) return;
    const s = settings();
    const position = options.position ?? s?.position ?? 'right';
    mounted.host.classList.toggle('left', position === 'left');
    mounted.host.classList.toggle('open', state.open);
    const props: ViewProps = {
      state,
      t,
      actions,
      title: title(),
      greeting: options.greeting ?? s?.greeting ?? null,
      preChat: options.preChat ?? s?.preChat ?? 'off',
      preChatDone: preChatDone || Boolean(info.name),
      sound,
      locale,
    };
    render(h(App, props), mounted.container);
    theme();
  }

  let lastTheme = '';
  function theme() {
    if (!mounted) return;
    const vv = win.visualViewport;
    const small = state.open && win.innerWidth < 640 && vv;
    const css = themeCss(options.color ?? settings()?.color, small ? vv.height : undefined);
    if (css === lastTheme) return;
    lastTheme = css;
    mounted.setTheme(css);
  }

  const onOnline = () => conn.retryNow();
  const onVisible = () => {
    if (doc.visibilityState !== 'visible') return;
    conn.retryNow();
    if (state.open) attention.stop();
  };
  const onReady = () => start();

  function start() {
    doc.removeEventListener('DOMContentLoaded', onReady);
    if (destroyed || mounted) return;
    mounted = mount(options.parent ?? doc.body, CSS);
    win.addEventListener('online', onOnline);
    doc.addEventListener('visibilitychange', onVisible);
    win.visualViewport?.addEventListener('resize', theme);
    draw();
    events.emit('ready', { site: options.site });
    // A chat already exists in this tab (reload, next page): resume it at once.
    if (tokens.get() || (options.connect === 'on-load' && consent)) conn.connect();
    if (options.open) chat.open();
  }

  const chat: Chat = {
    open() {
      if (destroyed || state.open) return;
      visitorActed = true;
      attention.stop();
      dispatch({ type: 'open' });
      if (conn.state === 'idle' && !state.idleReason) conn.connect();
      events.emit('open', undefined);
    },
    close() {
      if (destroyed || !state.open) return;
      stopTyping();
      dispatch({ type: 'close' });
      events.emit('close', undefined);
    },
    toggle() {
      if (state.open) chat.close();
      else chat.open();
    },
    identify(identity) {
      info = { ...info, ...cleanIdentity(identity) };
      if (conn.state === 'open') conn.send({ t: 'info', ...info });
      draw();
    },
    setPage(u, pageTitle) {
      readPage(u, pageTitle);
      if (conn.state === 'open') conn.send({ t: 'page', url: page.url, title: page.title });
    },
    consent(granted) {
      consent = granted;
      if (granted && options.connect === 'on-load' && mounted && conn.state === 'idle')
        conn.connect();
      // Withdrawn before the visitor ever opened the chat: disconnect and forget the token.
      if (!granted && !visitorActed) {
        conn.destroy();
        tokens.clear();
      }
    },
    on: (event, fn) => events.on(event, fn),
    off: (event, fn) => events.off(event, fn),
    destroy() {
      if (destroyed) return;
      stopTyping();
      conn.destroy();
      destroyed = true;
      attention.stop();
      doc.removeEventListener('DOMContentLoaded', onReady);
      win.removeEventListener('online', onOnline);
      doc.removeEventListener('visibilitychange', onVisible);
      win.visualViewport?.removeEventListener('resize', theme);
      if (mounted) {
        render(null, mounted.container);
        mounted.unmount();
        mounted = null;
      }
      events.clear();
    },
  };

  if (doc.body || options.parent) queueMicrotask(start);
  else doc.addEventListener('DOMContentLoaded', onReady);
  return chat;
}
