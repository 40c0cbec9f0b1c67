import { cleanLine, cleanText, LIMITS, type RelayToOperator } from '@conduit-chat/protocol';
import { CONSOLE_LIMITS, type ConsoleLimits } from './console-limits.js';
import { forgetCredentials, loadCredentials, saveCredentials } from './credentials.js';
import { ConsoleError } from './errors.js';
import { noticesFor, titleCount, titleText } from './notices.js';
import type { DesktopPermission, Notifier } from './notifier.js';
import {
  type ClientEndReason,
  type ClientState,
  createOperatorClient,
  type OperatorClient,
} from './operator-client.js';
import { type ConsoleAction, type ConsoleState, initialState, reduce } from './store.js';
import { createTypingThrottle, type TypingThrottle } from './typing-throttle.js';

/** What the app shell renders. */
export interface ControllerState {
  store: ConsoleState;
  login: { site: string; error: string | null; busy: boolean };
  /** `away` (issue #16): this console's status, re-sent to the relay after each reconnect. */
  prefs: { sound: boolean; desktop: DesktopPermission; away: boolean };
}

/** Options of `createConsoleController`. */
export interface ConsoleControllerOptions {
  /** The operator endpoint for a site id. */
  endpoint: (site: string) => string;
  storage: Storage;
  notifier: Notifier;
  WebSocket?: typeof WebSocket;
  limits?: Partial<ConsoleLimits>;
  now?: () => number;
}

/** The actions the views call, and the state they render. */
export interface ConsoleController {
  getState(): ControllerState;
  subscribe(listener: () => void): () => void;
  login(site: string, key: string): void;
  /** Signs in again with the credentials kept in this tab (after a reload); false if none. */
  resume(): boolean;
  logout(): void;
  accept(session: string, takeover?: boolean): void;
  /** Sends a message; false (with an error shown) when it cannot be queued. */
  send(session: string, text: string): boolean;
  /** The operator typed in the composer of `session`. */
  typed(session: string): void;
  invite(session: string, text: string): void;
  closeChat(session: string): void;
  open(session: string): void;
  show(session: string | null): void;
  closeTab(session: string): void;
  dismissError(): void;
  setVisible(visible: boolean): void;
  setSound(on: boolean): void;
  /** Away: visitors no longer count this console as online; its chats stay (issue #16). */
  setAway(away: boolean): void;
  /** Asks for desktop-notification permission (call from a click). */
  enableDesktop(): Promise<void>;
  /** The browser came back online: reconnect now rather than after the backoff. */
  online(): void;
}

/** The sign-in failure messages: never says whether the site or the key was wrong. */
export const LOGIN_ERRORS: Record<Exclude<ClientEndReason, 'logout'>, string> = {
  auth_failed: 'Site or key not recognised.',
  unreachable: 'Could not sign in: site or key not recognised, or the relay cannot be reached.',
  replaced: 'This console was signed in somewhere else.',
};

/**
 * Wires the operator client, the store, the notifier, sessionStorage credentials and the
 * typing throttles. Views call its methods and render `getState()`.
 */
export function createConsoleController(options: ConsoleControllerOptions): ConsoleController {
  const limits: ConsoleLimits = { ...CONSOLE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const { notifier, storage } = options;
  let state: ControllerState = {
    store: initialState(),
    login: { site: loadCredentials(storage)?.site ?? '', error: null, busy: false },
    prefs: { sound: true, desktop: notifier.permission(), away: false },
  };
  let client: OperatorClient | null = null;
  const listeners = new Set<() => void>();
  const typing = new Map<string, TypingThrottle>();

  const set = (next: ControllerState) => {
    state = next;
    notifier.setTitle(titleText(titleCount(state.store), state.store.site?.name ?? null));
    for (const l of listeners) l();
  };
  const dispatch = (action: ConsoleAction) => {
    set({ ...state, store: reduce(state.store, action, limits) });
  };

  const onFrame = (frame: RelayToOperator) => {
    const before = state.store;
    dispatch({ type: 'frame', frame });
    if (frame.t === 'gone') {
      typing.get(frame.session)?.stop();
      typing.delete(frame.session);
    }
    for (const n of noticesFor(before, frame, state.store)) {
      // Away: new chats are for colleagues; messages in chats already held still notify.
      if (state.prefs.away && n.kind === 'chat') continue;
      const hidden = !state.store.visible;
      if (state.prefs.sound && (n.kind === 'chat' || hidden || state.store.active !== n.session)) {
        notifier.beep();
      }
      if (hidden) {
        notifier.desktop(
          n.kind === 'chat' ? 'New chat waiting' : 'New message',
          n.kind === 'chat' ? `${n.name} would like to chat.` : `${n.name} wrote a message.`,
          `${n.kind}-${n.session}`,
        );
      }
    }
  };

  const onState = (s: ClientState, reason?: ClientEndReason) => {
    dispatch({ type: 'connection', state: s, ...(reason ? { reason } : {}) });
    if (s === 'ready') {
      // A new socket starts online at the relay.
      if (state.prefs.away) client?.send({ t: 'status', away: true });
      set({ ...state, login: { ...state.login, error: null, busy: false } });
    }
    if (s !== 'closed') return;
    client = null;
    for (const t of typing.values()) t.stop();
    typing.clear();
    const error = reason && reason !== 'logout' ? LOGIN_ERRORS[reason] : null;
    if (reason !== 'logout') forgetCredentials(storage);
    set({ ...state, store: initialState(), login: { ...state.login, error, busy: false } });
  };

  const frame = (f: Parameters<OperatorClient['send']>[0]) => {
    if (!client?.send(f))
      dispatch({ type: 'error', message: 'Not connected: try again in a moment.' });
  };

  const throttle = (session: string) => {
    let t = typing.get(session);
    if (!t) {
      t = createTypingThrottle({
        send: (on) => client?.send({ t: 'typing', session, on }),
        repeatMs: limits.typingRepeatMs,
        idleMs: limits.typingIdleMs,
      });
      typing.set(session, t);
    }
    return t;
  };

  const controller: ConsoleController = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    login(site, key) {
      client?.close();
      const cleanSite = cleanLine(site, LIMITS.tokenChars);
      const cleanKey = key.trim().slice(0, LIMITS.keyChars);
      notifier.unlock();
      saveCredentials(storage, { site: cleanSite, key: cleanKey });
      set({ ...state, store: initialState(), login: { site: cleanSite, error: null, busy: true } });
      client = createOperatorClient({
        url: options.endpoint(cleanSite),
        key: cleanKey,
        onFrame,
        onState,
        limits,
        ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
      });
      client.connect();
    },
    resume() {
      const c = loadCredentials(storage);
      if (!c) return false;
      controller.login(c.site, c.key);
      return true;
    },
    logout() {
      forgetCredentials(storage);
      client?.close();
      client = null;
      set({ ...state, store: initialState(), login: { ...state.login, error: null, busy: false } });
    },
    accept(session, takeover) {
      frame({ t: 'accept', session, ...(takeover ? { takeover: true } : {}) });
      dispatch({ type: 'open', session });
    },
    send(session, text) {
      if (!client) return false;
      try {
        const { id, text: clean } = client.sendMessage(session, text);
        typing.get(session)?.stop();
        dispatch({ type: 'sending', session, id, text: clean, at: now() });
        return true;
      } catch (e) {
        const message = e instanceof ConsoleError ? e.message : 'The message could not be sent.';
        dispatch({ type: 'error', message, session });
        return false;
      }
    },
    typed(session) {
      if (client?.state === 'ready') throttle(session).input();
    },
    invite(session, text) {
      const clean = cleanText(text);
      if (clean) frame({ t: 'invite', session, text: clean.slice(0, LIMITS.textChars) });
    },
    closeChat(session) {
      typing.get(session)?.stop();
      frame({ t: 'close', session });
    },
    open: (session) => dispatch({ type: 'open', session }),
    show: (session) => dispatch({ type: 'show', session }),
    closeTab(session) {
      typing.get(session)?.stop();
      typing.delete(session);
      dispatch({ type: 'closeTab', session });
    },
    dismissError: () => dispatch({ type: 'dismissError' }),
    setVisible: (visible) => dispatch({ type: 'visible', visible }),
    setSound(on) {
      if (on) notifier.unlock();
      set({ ...state, prefs: { ...state.prefs, sound: on } });
    },
    setAway(away) {
      set({ ...state, prefs: { ...state.prefs, away } });
      client?.send({ t: 'status', away });
    },
    async enableDesktop() {
      notifier.unlock();
      const desktop = await notifier.requestPermission();
      set({ ...state, prefs: { ...state.prefs, desktop } });
    },
    online: () => client?.retryNow(),
  };
  return controller;
}
