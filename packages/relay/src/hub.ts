import type { Dispatcher, DispatchResult, MailJob, WebhookJob } from '@conduit-chat/mail';
import {
  CLOSE_CODES,
  type EndReason,
  ERROR_CODES,
  type ErrorCode,
  type FrameOf,
  type OperatorPresence,
  type OperatorToRelay,
  type RelayToOperator,
  type RelayToVisitor,
  visitorMsgText,
} from '@conduit-chat/protocol';
import type { Logger } from 'pino';
import { hoursState } from './business-hours.js';
import type { RelayConfig, SiteConfig } from './config.js';
import { createReplayer } from './replay.js';
import {
  createSessionStore,
  type Session,
  type SessionStore,
  type StoredMessage,
} from './session-store.js';
import { type BucketState, fullBucket, type RatePolicy } from './token-bucket.js';
import type { Conn } from './transport/transport.js';
import { visitorSnapshot } from './visitor-snapshot.js';
import { chatEndedJobs, type OfflineJobs } from './webhook-events.js';

// Routing between visitors and operators: who sees what, snapshots, and ending sessions.
// Endpoints parse frames and call in here; the hub never parses and never touches a transport
// other than through `Conn.send`/`close`.

/** Connection lifecycle: waiting for hello/auth → ready → closed. */
export type ConnPhase = 'handshake' | 'ready' | 'closed';

/** Per-connection state (the transport's typed user data). */
export interface ConnState extends BucketState {
  readonly role: 'visitor' | 'operator';
  readonly site: SiteConfig;
  /** Client address (after trustProxy): for the per-address cap and tech data. Never logged. */
  readonly address: string;
  /** Until `hello` (read once for the technical data, then cleared: it is per-session weight). */
  userAgent: string;
  phase: ConnPhase;
  session: Session<RelayConn> | null;
  /** The authenticated operator, with the key hash it authenticated with (for revocation). */
  operator: { id: string; name: string; keyHash: string } | null;
  /** The operator set this console away (`status {away}`, issue #16): not online for visitors. */
  away: boolean;
  /** Frame rate limit (shared per role); its state is `tokens`/`last` here (SECURITY.md B14). */
  readonly rate: RatePolicy;
  /** The typing/page frames' own bucket (`limits.typingRate`/`typingBurst`) and its state. */
  readonly typingRate: RatePolicy;
  typing: BucketState;
  /**
   * The id of a message refused by the rate limit and not yet sent again: until it comes back,
   * every other message is refused too, so none overtakes it (issue #12, item 2).
   */
  held: string | null;
  badFrames: number;
  /** Frames refused by the rate limit, less one for each frame admitted (see `floodClose`). */
  refused: number;
  limited: boolean;
  handshakeTimer: ReturnType<typeof setTimeout> | null;
  /** History still to replay, per session id: the last seq sent (paced by backpressure). */
  replays: Map<string, number> | null;
  /**
   * Extra bytes this socket may hold above `maxBackpressureBytes` while a deliberately large
   * frame (an operator's `ready` snapshot) drains; 0 once the buffer is back under the limit.
   */
  allowance: number;
}

/** A new connection's state: in its handshake, with a full rate-limit bucket. */
export function newConnState(
  role: ConnState['role'],
  site: SiteConfig,
  address: string,
  userAgent: string,
  rate: RatePolicy,
  typingRate: RatePolicy = rate,
): ConnState {
  return {
    role,
    site,
    address,
    userAgent,
    phase: 'handshake',
    session: null,
    operator: null,
    away: false,
    rate,
    tokens: rate.burst,
    last: rate.now(),
    typingRate,
    typing: fullBucket(typingRate),
    held: null,
    badFrames: 0,
    refused: 0,
    limited: false,
    handshakeTimer: null,
    replays: null,
    allowance: 0,
  };
}

/**
 * What a transport may buffer per socket at most (its own `maxBackpressure`): the relay's
 * limit plus room for one `ready` snapshot of a full site. The relay drops slow readers at
 * its own, lower limit first.
 */
export const HARD_BACKPRESSURE_EXTRA = 16 * 1024 * 1024;

/** A connection as the relay sees it. */
export type RelayConn = Conn<ConnState>;

/** Counters the hub and endpoints report (wired to /metrics). */
export interface RelayCounters {
  frameRejected(code: string): void;
  messageRouted(from: 'visitor' | 'operator'): void;
  sessionEnded(reason: EndReason): void;
  /** A job handed to the dispatcher: a mail of `kind`, or a webhook (one per target). */
  mailJob(kind: MailJob['kind'] | 'webhook', accepted: boolean): void;
  slowReader(role: 'visitor' | 'operator'): void;
}

/** Counters that count nothing (when no metrics registry is wired). */
export const NO_COUNTERS: RelayCounters = {
  frameRejected() {},
  messageRouted() {},
  sessionEnded() {},
  mailJob() {},
  slowReader() {},
};

/**
 * What the hub tells the other nodes of a cluster (cluster.ts); null on a single node, where
 * every path below stays as it was.
 */
export interface RemoteHooks {
  /** A frame for the site's operators (`visitor`, `gone`, `msg`, `typing`), for other nodes. */
  toOperators(siteId: string, frame: RelayToOperator, except?: RelayConn): void;
  /** Operators connected to other nodes (presence), `away` when away there. */
  operators(siteId: string): Iterable<OperatorPresence>;
  /** This node's operators of the site changed. */
  presence(siteId: string): void;
  /** A session ended here. */
  ended(siteId: string): void;
  /** Runs an operator's frame on the node holding its session; false when none is known. */
  forward(conn: RelayConn, op: { id: string; name: string }, frame: OperatorToRelay): boolean;
  /** Resumes a token this node does not know from another node; false when not clustered. */
  claim(conn: RelayConn, token: string, resume: (session: Session<RelayConn>) => void): boolean;
  /** An operator authenticated here (it gets the other nodes' visitors). */
  operatorReady(conn: RelayConn): void;
}

// A dispatcher without webhook support (an older or a test one) refuses every webhook.
const NO_WEBHOOKS: DispatchResult = {
  accepted: false,
  reason: 'closed',
  message: 'The dispatcher carries no webhooks.',
};

/** What the hub needs. */
export interface HubDeps {
  config: RelayConfig;
  dispatcher: Dispatcher;
  logger: Logger;
  counters?: RelayCounters;
  /** Wall clock for business hours (tests inject one near a boundary; default `Date.now`). */
  wallClock?: () => number;
}

/** The hub; see `createHub`. */
export type Hub = ReturnType<typeof createHub>;

/** Creates the hub with its session store. */
export function createHub(deps: HubDeps) {
  const { config, dispatcher, logger } = deps;
  const counters = deps.counters ?? NO_COUNTERS;
  const sites = new Map(config.sites.map((s) => [s.id, s]));
  const store: SessionStore<RelayConn> = createSessionStore<RelayConn>({
    graceMs: config.session.graceMs,
    historyCap: config.session.historyCap,
    maxPerSite: config.session.maxPerSite,
    pagesCap: config.limits.pagesCap,
    onGraceExpired: (session) => endSession(session, 'expired'),
  });

  /** Sends a frame; a reader over the backpressure limit is closed (it catches up by replay). */
  function dropSlow(conn: RelayConn): void {
    counters.slowReader(conn.data.role);
    logger.warn({ role: conn.data.role, site: conn.data.site.id }, 'slow reader dropped');
    // Its buffer is full: a close frame would queue behind it. The client sees 1006,
    // reconnects and catches up by replay (SECURITY.md F5).
    conn.terminate();
  }

  /**
   * Sends a frame unless the socket already holds more than `maxBackpressureBytes` (plus its
   * allowance): then it is a slow reader and is dropped instead of buffered without bound.
   */
  function send(conn: RelayConn, frame: RelayToVisitor | RelayToOperator): void {
    if (!conn.closed) sendText(conn, JSON.stringify(frame));
  }

  /**
   * `send` for a frame already serialised (one `JSON.stringify` for many operators). `batch`
   * queues it for the end of the turn (`Conn.queue`): one write per operator per turn.
   */
  function sendText(conn: RelayConn, text: string, batch = false): void {
    if (conn.closed) return;
    const limit = config.limits.maxBackpressureBytes;
    const state = conn.data;
    const buffered = conn.bufferedAmount();
    if (buffered > limit + state.allowance) {
      dropSlow(conn);
      return;
    }
    if (state.allowance > 0 && buffered <= limit) state.allowance = 0;
    if ((batch ? conn.queue(text) : conn.send(text)) === 'dropped') dropSlow(conn);
  }

  /** Sends a frame that may be large on purpose (`ready`), allowing for it to drain. */
  function sendLarge(conn: RelayConn, frame: RelayToOperator): void {
    if (conn.closed) return;
    const text = JSON.stringify(frame);
    conn.data.allowance = Buffer.byteLength(text);
    if (conn.send(text) === 'dropped') dropSlow(conn);
  }

  function sendError(
    conn: RelayConn,
    code: ErrorCode,
    extra: { id?: string; session?: string; retryMs?: number } = {},
  ) {
    send(conn, { t: 'error', code, message: ERROR_CODES[code], ...extra });
  }

  /** The other nodes of a cluster (`setRemote`); null on a single node. */
  let remote: RemoteHooks | null = null;

  function toOperators(siteId: string, frame: RelayToOperator, except?: RelayConn): void {
    toLocalOperators(siteId, frame, except);
    if (remote) remote.toOperators(siteId, frame, except);
  }

  /** `toOperators` for this node's operators only. */
  function toLocalOperators(siteId: string, frame: RelayToOperator, except?: RelayConn): void {
    let text: string | null = null;
    for (const op of store.operatorsOf(siteId)) {
      if (op === except) continue;
      // A message of a session being replayed to this operator arrives with the replay, in order.
      if (frame.t === 'msg' && op.data.replays?.has(frame.session)) continue;
      text ??= JSON.stringify(frame);
      sendText(op, text, true);
    }
  }

  /**
   * A visitor's message to the site's operators: the hot path, so the frame's JSON is written
   * directly (`visitorMsgText`, the protocol's, same bytes as `JSON.stringify`).
   */
  function visitorMessageToOperators(session: Session<RelayConn>, m: StoredMessage): void {
    let text: string | null = null;
    for (const op of store.operatorsOf(session.siteId)) {
      if (op.data.replays?.has(session.id)) continue;
      text ??= visitorMsgText({
        session: session.id,
        seq: m.seq,
        id: m.id,
        text: m.text,
        at: m.at,
      });
      sendText(op, text, true);
    }
    if (remote) {
      remote.toOperators(session.siteId, {
        t: 'msg',
        session: session.id,
        seq: m.seq,
        id: m.id,
        from: 'visitor',
        text: m.text,
        at: m.at,
      });
    }
  }

  /** Sends a live message to a visitor unless its replay (which will include it) is pending. */
  function toVisitor(session: Session<RelayConn>, frame: RelayToVisitor): void {
    const conn = session.conn;
    if (!conn) return;
    if (frame.t === 'msg' && conn.data.replays?.has(session.id)) return;
    send(conn, frame);
  }

  const replayer = createReplayer({
    store,
    send,
    highWater: config.limits.maxBackpressureBytes / 2,
  });

  /**
   * The site's connected operators, one entry per operator id (here and on other nodes): away
   * only when every console of that operator is away, so one open online tab keeps them online.
   */
  function presence(siteId: string): OperatorPresence[] {
    const seen = new Map<string, { id: string; name: string; away: boolean }>();
    const add = (id: string, name: string, away: boolean) => {
      const known = seen.get(id);
      if (known) known.away &&= away;
      else seen.set(id, { id, name, away });
    };
    for (const op of store.operatorsOf(siteId)) {
      const o = op.data.operator;
      if (o) add(o.id, o.name, op.data.away);
    }
    if (remote) for (const o of remote.operators(siteId)) add(o.id, o.name, o.away === true);
    return [...seen.values()].map((o) =>
      o.away ? { id: o.id, name: o.name, away: true } : { id: o.id, name: o.name },
    );
  }

  /** Operators online for visitors: connected and not away (issue #16). */
  function onlineOperators(siteId: string): OperatorPresence[] {
    return presence(siteId).filter((o) => !o.away);
  }

  const wallClock = deps.wallClock ?? Date.now;
  /** Per site with `hours`: open now, and the timer to the next boundary. */
  const hours = new Map<string, { open: boolean; timer: ReturnType<typeof setTimeout> }>();

  /**
   * Computes a site's open state and arms a timer (setTimeout: the monotonic clock) to the
   * next boundary; when the state changed, visitors are told at once (no reconnect needed).
   */
  function checkHours(site: SiteConfig): void {
    if (!site.hours) return;
    const state = hoursState(site.hours, wallClock());
    const before = hours.get(site.id);
    if (before) clearTimeout(before.timer);
    const timer = setTimeout(() => checkHours(site), state.recheckMs);
    timer.unref?.();
    hours.set(site.id, { open: state.open, timer });
    if (before && before.open !== state.open) {
      logger.info({ site: site.id, open: state.open }, 'business hours changed');
      broadcastStatus(site.id);
    }
  }
  for (const site of sites.values()) checkHours(site);

  /** Within the site's business hours (always, without `hours`). */
  function siteOpen(siteId: string): boolean {
    return hours.get(siteId)?.open ?? true;
  }

  function statusFrame(session: Session<RelayConn>): FrameOf<RelayToVisitor, 'status'> {
    // Outside business hours the site is offline for visitors: the widget shows its offline form.
    const online = siteOpen(session.siteId) ? onlineOperators(session.siteId) : [];
    return {
      t: 'status',
      online: online.length > 0,
      operators: online.map((o) => ({ name: o.name })),
      agent: session.owner ? { name: session.owner.name } : null,
    };
  }

  /** Tells the site's operators about a visitor; page changes are throttled (`throttle`). */
  function upsert(session: Session<RelayConn>, throttle = false): void {
    if (session.state === 'ended') return;
    // Whole milliseconds: `lastUpsertAt` stays a small integer on every session (no heap number).
    const now = Math.floor(performance.now());
    const wait = session.lastUpsertAt + config.limits.pageUpsertMs - now;
    if (throttle && wait > 0) {
      session.upsertTimer ??= setTimeout(() => {
        session.upsertTimer = null;
        upsert(session);
      }, wait);
      return;
    }
    if (session.upsertTimer) {
      clearTimeout(session.upsertTimer);
      session.upsertTimer = null;
    }
    session.lastUpsertAt = now;
    toOperators(session.siteId, { t: 'visitor', visitor: visitorSnapshot(session) });
  }

  /** Sends every attached visitor of a site the current operator status. */
  function broadcastStatus(siteId: string): void {
    for (const s of store.ofSite(siteId)) if (s.conn) send(s.conn, statusFrame(s));
  }

  /**
   * Tells everyone of a site which operators are connected and online; `announce` (a change here, not one
   * heard from another node) also tells the other nodes.
   */
  function operatorsChanged(siteId: string, announce = true): void {
    toLocalOperators(siteId, { t: 'operators', operators: presence(siteId) });
    broadcastStatus(siteId);
    if (announce) remote?.presence(siteId);
  }

  /** Hands a job to mail; false when the dispatcher refused it (nothing is held then). */
  function dispatch(job: MailJob): boolean {
    let result: ReturnType<Dispatcher['dispatch']>;
    try {
      result = dispatcher.dispatch(job);
    } catch {
      result = { accepted: false, reason: 'invalid', message: 'dispatcher threw' };
    }
    counters.mailJob(job.kind, result.accepted);
    if (result.accepted)
      logger.info({ kind: job.kind, job: job.id, site: job.site.id }, 'mail queued');
    else
      logger.warn(
        { kind: job.kind, job: job.id, site: job.site.id, reason: result.reason },
        'mail refused',
      );
    return result.accepted;
  }

  /**
   * Sends an offline message by mail and webhook: `no_recipients` when the site has neither,
   * `limit_reached` when the mail was refused (webhooks are then not sent either), or when there
   * is no mail and every webhook was refused: the visitor is told unless something took it.
   */
  function offline(jobs: OfflineJobs): 'queued' | 'no_recipients' | 'limit_reached' {
    if (!jobs.mail && jobs.hooks.length === 0) return 'no_recipients';
    if (jobs.mail && !dispatch(jobs.mail)) return 'limit_reached';
    const accepted = notify(jobs.hooks);
    return jobs.mail || accepted > 0 ? 'queued' : 'limit_reached';
  }

  /**
   * Hands webhook jobs to the dispatcher; a refused one is logged (content-free) and gone.
   * Returns how many were accepted.
   */
  function notify(jobs: WebhookJob[]): number {
    let accepted = 0;
    for (const job of jobs) {
      let result: DispatchResult;
      try {
        result = dispatcher.dispatchWebhook?.(job) ?? NO_WEBHOOKS;
      } catch {
        result = { accepted: false, reason: 'invalid', message: 'dispatcher threw' };
      }
      counters.mailJob('webhook', result.accepted);
      const line = { event: job.event, site: job.site.id };
      if (result.accepted) {
        accepted++;
        logger.info(line, 'webhook queued');
      } else logger.warn({ ...line, reason: result.reason }, 'webhook refused');
    }
    return accepted;
  }

  /**
   * Ends a session once: tells the visitor (`ended`, then close), tells operators (`gone`),
   * hands the transcript to mail and webhooks, and deletes every map entry (docs/architecture.md
   * lifecycle step 3).
   */
  function endSession(
    session: Session<RelayConn>,
    reason: EndReason,
    closeCode: number = CLOSE_CODES.sessionEnded,
  ): void {
    const conn = session.conn;
    const site = sites.get(session.siteId);
    const ended = site ? chatEndedJobs(session, site, reason, Date.now()) : null;
    if (!store.end(session)) return;
    if (conn) {
      conn.data.session = null;
      send(conn, { t: 'ended', reason });
      conn.close(closeCode, 'session ended');
    }
    toOperators(session.siteId, { t: 'gone', session: session.id, reason });
    counters.sessionEnded(reason);
    logger.info(
      {
        session: session.id,
        site: session.siteId,
        reason,
        messages: session.lastSeq,
        durationMs: Date.now() - session.startedAt,
      },
      'session ended',
    );
    if (ended?.mail) dispatch(ended.mail);
    if (ended) notify(ended.hooks);
    remote?.ended(session.siteId);
    // Drop the content now rather than whenever the last closure lets go of the object.
    session.notes = [];
    session.pages = [];
    session.info = {};
    session.participants = [];
  }

  return {
    store,
    sites,
    send,
    sendText,
    sendLarge,
    sendError,
    toOperators,
    toLocalOperators,
    visitorMessageToOperators,
    toVisitor,
    replay: replayer.replay,
    pump: replayer.pump,
    snapshot: visitorSnapshot,
    presence,
    onlineOperators,
    statusFrame,
    upsert,
    broadcastStatus,
    operatorsChanged,
    dispatch,
    notify,
    offline,
    endSession,
    siteOpen,
    /** Stops the business-hours timers (relay close). */
    stopHours(): void {
      for (const h of hours.values()) clearTimeout(h.timer);
      hours.clear();
    },
    counters,
    logger,
    config,
    /** The cluster's hooks (null: single node). */
    get remote(): RemoteHooks | null {
      return remote;
    },
    setRemote(hooks: RemoteHooks | null): void {
      remote = hooks;
    },
  };
}
