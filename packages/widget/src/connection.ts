import {
  CLOSE_CODES,
  type FrameOf,
  PROTOCOL_VERSION,
  RECONNECT_CLOSE_CODES,
  type RelayToVisitor,
  type VisitorToRelay,
} from '@conduit-chat/protocol';
import { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from './backoff.js';
import { WidgetError } from './errors.js';
import { readFrame } from './read-frame.js';
import type { TokenStore } from './token-store.js';

/** Lifecycle of the visitor connection (README "Connection state machine"). */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'ended';

/**
 * Why the connection went `idle` on its own: closed by the relay, replaced by another tab, or
 * unavailable (the relay refuses this page's origin: retrying cannot help).
 */
export type IdleReason = 'closed' | 'replaced' | 'unavailable';

/** The parts of a browser `WebSocket` the client uses (the `ws` package fits too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** The `hello` frame without what the client fills in itself. */
export type HelloBody = Omit<FrameOf<VisitorToRelay, 'hello'>, 't' | 'v' | 'resume' | 'lastSeq'>;

/** A frame that waits in the outbox until the relay confirms it. */
export type OutboxFrame = FrameOf<VisitorToRelay, 'msg'> | FrameOf<VisitorToRelay, 'offline'>;

/** Options of `ConnectionClient`. */
export interface ConnectionOptions {
  /** `ws(s)://RELAY/v1/visitor?site=ID`. */
  url: string;
  /** Builds the `hello` body (page, client facts, info) when a socket opens. */
  hello: () => HelloBody;
  /** Where the resume token lives. */
  tokens: TokenStore;
  /** Opens a socket (default: the global `WebSocket`). */
  socket?: (url: string) => SocketLike;
  /** Reconnect delays. */
  backoff?: BackoffOptions;
  /** Interval of `ping` frames while open, ms (default 25 000). */
  heartbeatMs?: number;
  /** Silence after which the socket counts as dead, ms (default 60 000); also the welcome timeout. */
  timeoutMs?: number;
  /** Most unconfirmed messages kept for resending (default 100). */
  outboxLimit?: number;
  /** Random source for the jitter (tests pin it). */
  random?: () => number;
  /**
   * Asked when a socket closed before it ever opened (browsers hide why): resolves true when
   * the relay refuses this page's origin, which stops the retries (idle, `unavailable`).
   */
  refused?: () => Promise<boolean>;
  /** Every frame from the relay; `replay` is true for history replayed right after `welcome`. */
  onFrame: (frame: RelayToVisitor, replay: boolean) => void;
  /** Every state change; `reason` when it went idle on its own. */
  onState: (state: ConnectionState, reason?: IdleReason) => void;
}

/** Defaults of the connection limits. */
export const CONNECTION_DEFAULTS = { heartbeatMs: 25_000, timeoutMs: 60_000, outboxLimit: 100 };

// Allowed transitions (README "Connection state machine").
const NEXT: Record<ConnectionState, string> = {
  idle: 'connecting',
  connecting: 'open reconnecting idle ended',
  open: 'reconnecting idle ended',
  reconnecting: 'connecting idle ended',
  ended: 'connecting idle',
};

/** The visitor connection (see `createConnection`). */
export interface Connection {
  /** Current state. */
  readonly state: ConnectionState;
  /** Highest `seq` seen in this session (messages or acks). */
  readonly lastSeq: number;
  /** Messages sent but not yet confirmed, oldest first. */
  pending(): OutboxFrame[];
  /** Opens the connection (from `idle`, or from `ended` to start a new chat). */
  connect(): void;
  /** Reconnects at once when waiting for a backoff timer (network back, tab visible). */
  retryNow(): void;
  /**
   * Sends a frame. `msg` and `offline` go through the outbox (kept until acked or queued,
   * resent after a reconnect; an idle connection opens); other frames are sent only while
   * open and dropped otherwise (typing and page updates are momentary). False when the
   * outbox is full (`CONNECTION_DEFAULTS.outboxLimit`) and the message was not taken.
   */
  send(frame: VisitorToRelay): boolean;
  /** Ends the chat on the relay (reconnecting first when needed). */
  end(): void;
  /** Closes the socket, stops every timer, and stays idle. The session token is kept. */
  destroy(): void;
}

/**
 * The visitor's connection to the relay, free of DOM: one socket at a time, `hello` with the
 * resume token and last seen `seq`, an outbox of unconfirmed messages resent with the same
 * ids, reconnect with backoff and jitter, a heartbeat, and replay de-duplication by `seq`.
 */
export function createConnection(o: ConnectionOptions): Connection {
  let state: ConnectionState = 'idle';
  let lastSeq = 0;
  let ws: SocketLike | null = null;
  const outbox = new Map<string, OutboxFrame>();
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let replaying = false;
  let pendingEnd = false;
  // After a `rate_limited` refusal the outbox is paced: the refused message again after the
  // relay's hint, then one message per ack, until it is empty (issue #12, item 2). The relay
  // refuses every other message until the refused one is back, so the order holds.
  let paced = false;
  let pacer: ReturnType<typeof setTimeout> | undefined;
  // Bumped by connect()/destroy(): an origin check answered for an older attempt is ignored.
  let series = 0;
  let checking = false;
  // No more origin checks until connect(): a socket opened, or a check said allowed or failed.
  let settled = false;

  const move = (to: ConnectionState, reason?: IdleReason) => {
    if (!NEXT[state].includes(to)) throw new WidgetError('bad_state', `${state} → ${to}`);
    state = to;
    o.onState(to, reason);
  };

  const write = (frame: VisitorToRelay) => {
    if (ws?.readyState === 1) ws.send(JSON.stringify(frame));
  };

  // The oldest unconfirmed message (the one the relay holds after a refusal).
  const writeHead = () => {
    const head = outbox.values().next().value;
    if (head) write(head);
    else paced = false;
  };

  // Forgets the current socket without waiting for its close handshake (a dead peer would
  // keep us waiting), and stops every timer.
  const detach = () => {
    clearTimeout(retryTimer);
    clearTimeout(watchdog);
    clearInterval(heartbeat);
    clearTimeout(pacer);
    paced = false;
    replaying = false;
    const old = ws;
    ws = null;
    if (!old) return;
    old.onopen = old.onmessage = old.onclose = null;
    // `ws` (Node) emits an error when a connecting socket is closed; keep a listener.
    old.onerror = () => {};
    if (old.readyState < 2) old.close(CLOSE_CODES.normal);
  };

  const finish = (reason: FrameOf<RelayToVisitor, 'ended'>['reason'] | null) => {
    o.tokens.set(null);
    outbox.clear();
    pendingEnd = false;
    detach();
    if (reason) o.onFrame({ t: 'ended', reason }, false);
    if (state !== 'ended') move('ended');
  };

  const reconnect = () => {
    detach();
    move('reconnecting');
    retryTimer = setTimeout(open, backoffDelay(attempt++, o.backoff ?? BACKOFF_DEFAULTS, o.random));
  };

  // (Re)starts the silence watchdog: no frame for `timeoutMs` → the socket is dead.
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(reconnect, o.timeoutMs ?? CONNECTION_DEFAULTS.timeoutMs);
  };

  const receive = (frame: RelayToVisitor) => {
    switch (frame.t) {
      case 'welcome':
        if (!frame.resumed) lastSeq = 0;
        o.tokens.set(frame.token);
        attempt = 0;
        move('open');
        o.onFrame(frame, false);
        // Everything the relay replays arrives before the answer to this ping (one socket,
        // in order), so the pong marks the end of history (no unread badge for old messages).
        replaying = true;
        write({ t: 'ping' });
        heartbeat = setInterval(
          () => write({ t: 'ping' }),
          o.heartbeatMs ?? CONNECTION_DEFAULTS.heartbeatMs,
        );
        for (const queued of outbox.values()) write(queued);
        if (pendingEnd) write({ t: 'end' });
        pendingEnd = false;
        return;
      case 'msg':
        if (frame.seq <= lastSeq) return;
        lastSeq = frame.seq;
        if (frame.from === 'visitor') outbox.delete(frame.id);
        break;
      case 'ack':
        outbox.delete(frame.id);
        lastSeq = Math.max(lastSeq, frame.seq);
        if (paced) writeHead();
        break;
      case 'queued':
        outbox.delete(frame.id);
        if (paced) writeHead();
        break;
      case 'error':
        if (frame.code === 'rate_limited' && frame.id) {
          // Not a failure: the message stays in the outbox and goes again after the hint.
          paced = true;
          clearTimeout(pacer);
          pacer = setTimeout(writeHead, frame.retryMs ?? 1000);
          return;
        }
        if (frame.id) outbox.delete(frame.id);
        if (paced) writeHead();
        // A resume token the relay no longer knows: the old chat is over, say so (F3).
        if (frame.code === 'session_ended') return finish('unknown');
        break;
      case 'pong':
        replaying = false;
        break;
      case 'ended':
        o.onFrame(frame, false);
        return finish(null);
    }
    o.onFrame(frame, replaying);
  };

  // A socket that never opened may be a refused origin (issue #12, item 7): ask once at a
  // time, until an answer says the origin is allowed or a socket opens.
  const check = () => {
    if (!o.refused || checking || settled) return;
    checking = true;
    const mine = series;
    o.refused().then(
      (refused) => {
        checking = false;
        if (mine !== series) return;
        if (!refused) settled = true;
        else if (state === 'reconnecting' || state === 'connecting') {
          detach();
          move('idle', 'unavailable');
        }
      },
      () => {
        // Unanswered (relay down, or a CSP that lists only the ws(s) URL): ask no more until
        // the next connect(), so a strict page logs one violation, not one per retry.
        checking = false;
        if (mine === series) settled = true;
      },
    );
  };

  const dropped = (code: number, wasOpen: boolean) => {
    detach();
    if (state === 'idle' || state === 'ended') return;
    if (code === CLOSE_CODES.sessionEnded) finish('unknown');
    else if (code === CLOSE_CODES.replaced) move('idle', 'replaced');
    else if (RECONNECT_CLOSE_CODES.includes(code)) {
      reconnect();
      if (!wasOpen) check();
    } else move('idle', 'closed');
  };

  function open() {
    detach();
    move('connecting');
    const resume = o.tokens.get();
    const socket = (o.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike))(o.url);
    ws = socket;
    arm();
    let wasOpen = false;
    socket.onopen = () => {
      wasOpen = settled = true;
      const hello: FrameOf<VisitorToRelay, 'hello'> = {
        t: 'hello',
        v: PROTOCOL_VERSION,
        ...o.hello(),
      };
      if (resume) Object.assign(hello, { resume, lastSeq });
      write(hello);
    };
    socket.onmessage = (event) => {
      arm();
      const frame = typeof event.data === 'string' ? readFrame(event.data) : null;
      if (frame) receive(frame);
    };
    socket.onclose = (event) => dropped(event.code, wasOpen);
    socket.onerror = () => {
      // A close event follows every error; the decision is taken there.
    };
  }

  const self: Connection = {
    get state() {
      return state;
    },
    get lastSeq() {
      return lastSeq;
    },
    pending: () => [...outbox.values()],
    connect() {
      if (state !== 'idle' && state !== 'ended') return;
      if (state === 'ended') lastSeq = 0;
      attempt = 0;
      series++;
      settled = false;
      open();
    },
    retryNow() {
      if (state === 'reconnecting') open();
    },
    send(frame) {
      if (frame.t === 'msg' || frame.t === 'offline') {
        if (outbox.size >= (o.outboxLimit ?? CONNECTION_DEFAULTS.outboxLimit)) return false;
        outbox.set(frame.id, frame);
        self.connect();
        if (paced) return true;
      }
      if (state === 'open') write(frame);
      return true;
    },
    end() {
      if (state === 'open') write({ t: 'end' });
      else if (state !== 'ended' && (ws || o.tokens.get())) {
        pendingEnd = true;
        self.connect();
      } else finish('visitor');
    },
    destroy() {
      series++;
      outbox.clear();
      detach();
      if (state !== 'idle') move('idle');
    },
  };
  return self;
}
