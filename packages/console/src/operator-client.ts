import {
  CLOSE_CODES,
  cleanText,
  LIMITS,
  type OperatorToRelay,
  PROTOCOL_VERSION,
  type RelayToOperator,
} from '@conduit-chat/protocol';
import { CONSOLE_LIMITS, type ConsoleLimits } from './console-limits.js';
import { ConsoleError } from './errors.js';
import { randomId } from './random-id.js';

/**
 * Connection states. `connecting`/`authenticating` belong to the first sign-in; after a drop
 * the client stays `reconnecting` until the relay says `ready` again; `closed` is final.
 */
export type ClientState =
  | 'idle'
  | 'connecting'
  | 'authenticating'
  | 'ready'
  | 'reconnecting'
  | 'closed';

/** Why the client reached `closed`. */
export type ClientEndReason = 'logout' | 'auth_failed' | 'unreachable' | 'replaced';

/** Frames the caller may send directly (auth, ping and msg are the client's own business). */
export type ControlFrame = Exclude<OperatorToRelay, { t: 'auth' } | { t: 'ping' } | { t: 'msg' }>;

/** Options of `createOperatorClient` (README "Options"). */
export interface OperatorClientOptions {
  url: string;
  key: string;
  onFrame: (frame: RelayToOperator) => void;
  onState: (state: ClientState, reason?: ClientEndReason) => void;
  WebSocket?: typeof WebSocket;
  limits?: Partial<ConsoleLimits>;
  random?: () => number;
}

/** The operator side of one relay connection, reconnecting until closed. */
export interface OperatorClient {
  /** Current state. */
  readonly state: ClientState;
  /** Opens the socket and authenticates; only from `idle`. */
  connect(): void;
  /** Sends a control frame when `ready`; returns false (and sends nothing) otherwise. */
  send(frame: ControlFrame): boolean;
  /** Queues a chat message in the outbox (resent with the same id until acked). */
  sendMessage(session: string, text: string): { id: string; text: string };
  /** Skips the backoff wait when reconnecting (e.g. the browser went `online`). */
  retryNow(): void;
  /** Messages waiting for an `ack`. */
  outboxSize(): number;
  /** The highest `seq` seen in `session` (0 when none). */
  lastSeq(session: string): number;
  /** Closes for good (logout): forgets the outbox and sequence numbers. */
  close(): void;
}

type OutboxEntry = Extract<OperatorToRelay, { t: 'msg' }>;
const OPEN = 1;

/**
 * Creates the operator connection client (no DOM): auth, reconnect with backoff and jitter,
 * heartbeat, an outbox of unacked messages resent with the same ids after a reconnect, and
 * `sync {session, lastSeq}` for every chat the relay has more of than we saw (F4).
 * @example
 * const c = createOperatorClient({ url, key, onFrame: console.log, onState: console.log });
 * c.connect();
 */
export function createOperatorClient(options: OperatorClientOptions): OperatorClient {
  const limits: ConsoleLimits = { ...CONSOLE_LIMITS, ...options.limits };
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const random = options.random ?? Math.random;
  let state: ClientState = 'idle';
  let socket: WebSocket | null = null;
  let everReady = false;
  let authRefused = false;
  let attempt = 0;
  let heard = true;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let authTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  const outbox = new Map<string, OutboxEntry>();
  const seqs = new Map<string, number>();
  // After `rate_limited {id, retryMs}` the outbox is paced (issue #12, item 2): the refused
  // message again after the hint, then one per ack. The relay refuses every other message
  // until `held` is back, so it stays in the outbox even when its chat is gone meanwhile.
  let paced = false;
  let held: string | null = null;
  let pacer: ReturnType<typeof setTimeout> | undefined;
  /** The highest `lastSeq` a `sync` was already sent for, per session (no repeats). */
  const asked = new Map<string, number>();
  /** Asks for the messages of `v` after the last one seen, once per `lastSeq`. */
  const catchUp = (v: { session: string; lastSeq: number }) => {
    const known = seqs.get(v.session) ?? 0;
    if (v.lastSeq <= known || v.lastSeq <= (asked.get(v.session) ?? 0)) return;
    asked.set(v.session, v.lastSeq);
    raw({ t: 'sync', session: v.session, lastSeq: known });
  };

  const setState = (next: ClientState, reason?: ClientEndReason) => {
    if (state === next) return;
    state = next;
    options.onState(next, reason);
  };

  const raw = (frame: OperatorToRelay) => {
    if (socket?.readyState === OPEN) socket.send(JSON.stringify(frame));
  };

  const clearTimers = () => {
    clearTimeout(retryTimer);
    clearTimeout(authTimer);
    clearInterval(pingTimer);
    clearTimeout(pacer);
    retryTimer = authTimer = pingTimer = pacer = undefined;
    paced = false;
    held = null;
  };

  const writeHead = () => {
    const head = outbox.values().next().value;
    if (head) raw(head);
    else paced = false;
  };

  const end = (reason: ClientEndReason) => {
    clearTimers();
    const ws = socket;
    socket = null;
    if (ws) detach(ws, reason === 'logout' ? CLOSE_CODES.normal : undefined);
    outbox.clear();
    seqs.clear();
    asked.clear();
    setState('closed', reason);
  };

  const closed = (code: number) => {
    clearTimers();
    socket = null;
    if (state === 'closed') return;
    if (code === CLOSE_CODES.authFailed || authRefused) return end('auth_failed');
    if (code === CLOSE_CODES.replaced) return end('replaced');
    // The first sign-in does not retry: the person at the login form decides.
    if (!everReady) return end('unreachable');
    setState('reconnecting');
    const delay = Math.min(limits.reconnectMaxMs, limits.reconnectBaseMs * 2 ** attempt);
    attempt = Math.min(attempt + 1, 30);
    retryTimer = setTimeout(open, delay * (0.5 + random()));
  };

  // A dead link may take minutes to report `close`; stop listening and move on at once.
  const drop = (ws: WebSocket) => {
    if (socket !== ws) return;
    detach(ws);
    closed(1006);
  };

  const onReady = (frame: Extract<RelayToOperator, { t: 'ready' }>) => {
    clearTimeout(authTimer);
    everReady = true;
    attempt = 0;
    heard = true;
    pingTimer = setInterval(() => {
      if (!socket) return;
      if (!heard) return drop(socket);
      heard = false;
      raw({ t: 'ping' });
    }, limits.pingEveryMs);
    setState('ready');
    options.onFrame(frame);
    asked.clear();
    for (const v of frame.visitors) catchUp(v);
    for (const entry of outbox.values()) raw(entry);
  };

  const onData = (data: unknown) => {
    heard = true;
    if (typeof data !== 'string') return;
    let frame: RelayToOperator;
    try {
      const parsed: unknown = JSON.parse(data);
      if (typeof parsed !== 'object' || parsed === null) return;
      if (typeof (parsed as { t?: unknown }).t !== 'string') return;
      frame = parsed as RelayToOperator;
    } catch {
      return;
    }
    switch (frame.t) {
      case 'ready':
        return onReady(frame);
      case 'msg':
        seqs.set(frame.session, Math.max(frame.seq, seqs.get(frame.session) ?? 0));
        break;
      case 'ack':
        outbox.delete(frame.id);
        if (frame.id === held) held = null;
        if (paced) writeHead();
        break;
      case 'visitor':
        // A clustered relay lists other nodes' visitors after `ready`, and after a partial
        // view: their missed messages are fetched the same way.
        catchUp(frame.visitor);
        break;
      case 'gone':
        seqs.delete(frame.session);
        asked.delete(frame.session);
        for (const [id, entry] of outbox) {
          if (entry.session === frame.session && id !== held) outbox.delete(id);
        }
        break;
      case 'error':
        if (frame.code === 'rate_limited' && frame.id) {
          // Not final: it goes again after the hint, and the later ones after it, in order.
          paced = true;
          held ??= frame.id;
          clearTimeout(pacer);
          pacer = setTimeout(writeHead, frame.retryMs ?? 1000);
          return;
        }
        if (frame.code === 'auth_failed') authRefused = true;
        // A refused message is final: resending it would only be refused again.
        if (frame.id) outbox.delete(frame.id);
        if (frame.id && frame.id === held) held = null;
        if (paced) writeHead();
        break;
      case 'pong':
        return;
    }
    options.onFrame(frame);
  };

  const open = () => {
    retryTimer = undefined;
    authRefused = false;
    if (!everReady) setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WS(options.url);
    } catch {
      // A refused URL (CSP, bad scheme) is as good as a failed connection: retry with backoff.
      return closed(1006);
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      if (!everReady) setState('authenticating');
      raw({ t: 'auth', v: PROTOCOL_VERSION, key: options.key });
      authTimer = setTimeout(() => drop(ws), limits.authTimeoutMs);
    };
    ws.onmessage = (e) => {
      if (socket === ws) onData(e.data);
    };
    ws.onclose = (e) => {
      if (socket === ws) closed(e.code);
    };
  };

  return {
    get state() {
      return state;
    },
    connect() {
      if (state !== 'idle') throw new ConsoleError('bad_state', `connect() in state ${state}`);
      if (typeof WS !== 'function') throw new ConsoleError('no_websocket');
      open();
    },
    send(frame) {
      if (state !== 'ready') return false;
      raw(frame);
      return true;
    },
    sendMessage(session, text) {
      if (state === 'idle' || state === 'closed') {
        throw new ConsoleError('bad_state', `sendMessage() in state ${state}`);
      }
      const clean = cleanText(text);
      if (!clean) throw new ConsoleError('empty_text');
      if (clean.length > LIMITS.textChars) throw new ConsoleError('text_too_long');
      if (outbox.size >= limits.outboxMessages) throw new ConsoleError('outbox_full');
      const entry: OutboxEntry = { t: 'msg', session, id: randomId(), text: clean };
      outbox.set(entry.id, entry);
      if (state === 'ready' && !paced) raw(entry);
      return { id: entry.id, text: clean };
    },
    retryNow() {
      if (state !== 'reconnecting' || retryTimer === undefined) return;
      clearTimeout(retryTimer);
      open();
    },
    outboxSize: () => outbox.size,
    lastSeq: (session) => seqs.get(session) ?? 0,
    close() {
      if (state !== 'closed') end('logout');
    },
  };
}

function detach(ws: WebSocket, code?: number): void {
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.onerror = null;
  try {
    ws.close(code);
  } catch {
    // Already closing: nothing more to do.
  }
}
