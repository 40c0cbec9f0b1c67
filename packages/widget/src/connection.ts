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

/** Why the connection went `idle` on its own. */
export type IdleReason = 'closed' | 'replaced';

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
  /** Every frame from the relay; `replay` is true for history replayed right after `welcome`. */
  onFrame: (frame: RelayToVisitor, replay: boolean) => void;
  /** Every state change; `reason` when it went idle on its own. */
  onState: (state: ConnectionState, reason?: IdleReason) => void;
}

/** Defaults of the connection limits. */
export const CONNECTION_DEFAULTS = { heartbeatMs: 25_000, timeoutMs: 60_000, outboxLimit: 100 };

const NEXT: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting'],
  connecting: ['open', 'reconnecting', 'idle', 'ended'],
  open: ['reconnecting', 'idle', 'ended'],
  reconnecting: ['connecting', 'idle', 'ended'],
  ended: ['connecting', 'idle'],
};

/**
 * The visitor's connection to the relay, free of DOM: one socket at a time, `hello` with the
 * resume token and last seen `seq`, an outbox of unconfirmed messages resent with the same
 * ids, reconnect with backoff and jitter, a heartbeat, and replay de-duplication by `seq`.
 */
export class ConnectionClient {
  /** Current state. */
  state: ConnectionState = 'idle';
  /** Highest `seq` seen in this session (messages or acks). */
  lastSeq = 0;
  private readonly o: ConnectionOptions;
  private ws: SocketLike | null = null;
  private readonly outbox = new Map<string, OutboxFrame>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private replaying = false;
  private pendingEnd = false;
  private resumeToken: string | null = null;

  constructor(options: ConnectionOptions) {
    this.o = options;
  }

  /** Messages sent but not yet confirmed, oldest first. */
  pending(): OutboxFrame[] {
    return [...this.outbox.values()];
  }

  /** Opens the connection (from `idle`, or from `ended` to start a new chat). */
  connect(): void {
    if (this.state !== 'idle' && this.state !== 'ended') return;
    if (this.state === 'ended') this.lastSeq = 0;
    this.attempt = 0;
    this.open();
  }

  /** Reconnects at once when waiting for a backoff timer (network back, tab visible). */
  retryNow(): void {
    if (this.state !== 'reconnecting') return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  /**
   * Sends a frame. `msg` and `offline` go through the outbox (kept until acked or queued,
   * resent after a reconnect, and the connection opens if it is idle); other frames are sent
   * only while open and dropped otherwise (typing and page updates are momentary).
   */
  send(frame: VisitorToRelay): void {
    if (frame.t === 'msg' || frame.t === 'offline') {
      if (this.outbox.size >= (this.o.outboxLimit ?? CONNECTION_DEFAULTS.outboxLimit)) {
        throw new WidgetError('outbox_full');
      }
      this.outbox.set(frame.id, frame);
      if (this.state === 'idle' || this.state === 'ended') this.connect();
    }
    if (this.state === 'open') this.write(frame);
  }

  /** Ends the chat on the relay (reconnecting first when needed). */
  end(): void {
    if (this.state === 'open') {
      this.write({ t: 'end' });
    } else if (this.state !== 'ended' && (this.ws || this.o.tokens.get())) {
      this.pendingEnd = true;
      this.connect();
    } else {
      this.finish('visitor');
    }
  }

  /** Closes the socket, stops every timer, and stays idle. The session token is kept. */
  destroy(): void {
    this.outbox.clear();
    this.detach();
    if (this.state !== 'idle') this.move('idle');
  }

  private move(to: ConnectionState, reason?: IdleReason): void {
    if (!NEXT[this.state].includes(to)) {
      throw new WidgetError('bad_state', `connection ${this.state} → ${to}`);
    }
    this.state = to;
    this.o.onState(to, reason);
  }

  private open(): void {
    this.detach();
    this.move('connecting');
    this.resumeToken = this.o.tokens.get();
    const ws = (this.o.socket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike))(
      this.o.url,
    );
    this.ws = ws;
    this.arm();
    ws.onopen = () => {
      const hello: FrameOf<VisitorToRelay, 'hello'> = {
        t: 'hello',
        v: PROTOCOL_VERSION,
        ...this.o.hello(),
      };
      if (this.resumeToken) {
        hello.resume = this.resumeToken;
        hello.lastSeq = this.lastSeq;
      }
      this.write(hello);
    };
    ws.onmessage = (event) => {
      this.arm();
      const frame = typeof event.data === 'string' ? readFrame(event.data) : null;
      if (frame) this.receive(frame);
    };
    ws.onclose = (event) => this.dropped(event.code);
    ws.onerror = () => {
      // A close event follows every error; the decision is taken there.
    };
  }

  private receive(frame: RelayToVisitor): void {
    switch (frame.t) {
      case 'welcome': {
        if (!frame.resumed) this.lastSeq = 0;
        this.o.tokens.set(frame.token);
        this.attempt = 0;
        this.move('open');
        this.o.onFrame(frame, false);
        // Everything the relay replays arrives before the answer to this ping (one socket,
        // in order), so the pong marks the end of history (no unread badge for old messages).
        this.replaying = true;
        this.write({ t: 'ping' });
        this.heartbeat = setInterval(
          () => this.write({ t: 'ping' }),
          this.o.heartbeatMs ?? CONNECTION_DEFAULTS.heartbeatMs,
        );
        for (const queued of this.outbox.values()) this.write(queued);
        if (this.pendingEnd) {
          this.pendingEnd = false;
          this.write({ t: 'end' });
        }
        return;
      }
      case 'msg':
        if (frame.seq <= this.lastSeq) return;
        this.lastSeq = frame.seq;
        if (frame.from === 'visitor') this.outbox.delete(frame.id);
        break;
      case 'ack':
        this.outbox.delete(frame.id);
        this.lastSeq = Math.max(this.lastSeq, frame.seq);
        break;
      case 'queued':
        this.outbox.delete(frame.id);
        break;
      case 'error':
        if (frame.id) this.outbox.delete(frame.id);
        // A resume token the relay no longer knows: the old chat is over, say so (F3).
        if (frame.code === 'session_ended') {
          this.finish('unknown');
          return;
        }
        break;
      case 'pong':
        this.replaying = false;
        break;
      case 'ended':
        this.o.onFrame(frame, false);
        this.finish();
        return;
    }
    this.o.onFrame(frame, this.replaying);
  }

  private finish(reason: FrameOf<RelayToVisitor, 'ended'>['reason'] | null = null): void {
    this.o.tokens.clear();
    this.outbox.clear();
    this.pendingEnd = false;
    this.detach();
    if (reason) this.o.onFrame({ t: 'ended', reason }, false);
    if (this.state !== 'ended') this.move('ended');
  }

  private dropped(code: number): void {
    this.detach();
    if (this.state === 'idle' || this.state === 'ended') return;
    if (code === CLOSE_CODES.sessionEnded) this.finish('unknown');
    else if (code === CLOSE_CODES.replaced) this.move('idle', 'replaced');
    else if (!RECONNECT_CLOSE_CODES.includes(code)) this.move('idle', 'closed');
    else this.reconnect();
  }

  private reconnect(): void {
    this.detach();
    this.move('reconnecting');
    const delay = backoffDelay(this.attempt++, this.o.backoff ?? BACKOFF_DEFAULTS, this.o.random);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  // (Re)starts the silence watchdog: no frame for `timeoutMs` → the socket is dead.
  private arm(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(
      () => this.reconnect(),
      this.o.timeoutMs ?? CONNECTION_DEFAULTS.timeoutMs,
    );
  }

  private write(frame: VisitorToRelay): void {
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify(frame));
  }

  // Forgets the current socket without waiting for its close handshake (a dead peer would
  // keep us waiting), and stops every timer.
  private detach(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    clearInterval(this.heartbeat);
    this.replaying = false;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // `ws` (Node) emits an error when a connecting socket is closed; keep a listener.
    ws.onerror = () => {};
    if (ws.readyState < 2) ws.close(CLOSE_CODES.normal);
  }
}
