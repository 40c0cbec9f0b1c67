import { randomBytes, timingSafeEqual } from 'node:crypto';
import { History } from './history.js';

// The volatile heart of the relay (docs/architecture.md "Session lifecycle"): sessions, resume tokens,
// per-site indexes and operator handles, in maps and nothing else. Pure: no sockets, no JSON,
// no mail. `C` is an opaque connection handle the store only holds and hands back.

/** Lifecycle of a session: active (socket attached) ⇄ detached (grace timer) → ended. */
export type SessionState = 'active' | 'detached' | 'ended';

/** A chat message as kept in a session's history. */
export interface StoredMessage {
  seq: number;
  id: string;
  from: 'visitor' | 'operator';
  /** The operator's name; present (as `undefined`) on visitor messages too: one shape. */
  name?: string | undefined;
  /** The operator's id (operator messages; `undefined` otherwise). */
  operator?: string | undefined;
  text: string;
  at: number;
}

/** A page the visitor viewed (URL already reduced by `pageUrl`). */
export interface PageView {
  url: string;
  title: string;
  at: number;
}

/** Technical data about the visitor (IP anonymised where the site wants it). */
export interface SessionTech {
  ip: string;
  /** '' when unknown. */
  country: string;
  /** '' when unknown. */
  city: string;
  browser: string;
  os: string;
  device: string;
  lang: string;
  tz: string;
  /** Screen size in CSS pixels, flat (no nested object per session). */
  screenW: number;
  screenH: number;
  referrer: string;
}

/** What the visitor told us (pre-chat form, `identify()`). */
export interface SessionInfo {
  name?: string;
  email?: string;
  custom?: Record<string, string | number | boolean>;
  /** The user id the site signed and the relay checked (issue #15); never an unchecked claim. */
  verifiedId?: string;
}

/** A system line for the transcript ("Ada joined"). */
export interface SessionNote {
  text: string;
  at: number;
  /** The session's last seq when the note was made: it reads after that message. */
  afterSeq: number;
}

/** One visitor session. Mutated only through the store (and the hub's display fields). */
export interface Session<C> {
  readonly id: string;
  /** The secret half of the resume token (`resumeToken`): 128 random bits, 22 characters. */
  readonly secret: string;
  readonly siteId: string;
  state: SessionState;
  conn: C | null;
  readonly startedAt: number;
  lastSeq: number;
  /**
   * The messages kept (at most `historyCap`), packed in bytes off the V8 heap (history.ts);
   * null until the first message (most sessions never chat) and again once the session ended.
   */
  history: History | null;
  /** Messages dropped from the start of the history by the cap. */
  truncated: number;
  owner: { id: string; name: string } | null;
  /** Names of operators who took part (for the transcript). */
  participants: string[];
  waitingSince: number | null;
  /** Whether a visitor message opened the chat (the `chat.started` webhook fired once). */
  opened: boolean;
  /** The last invitation an operator sent (name and time), shown to every operator. */
  invited: { name: string; at: number } | null;
  pages: PageView[];
  tech: SessionTech;
  info: SessionInfo;
  notes: SessionNote[];
  graceTimer: ReturnType<typeof setTimeout> | null;
  /** Throttle timer of visitor upserts to operators (owned by the hub, cleared at end). */
  upsertTimer: ReturnType<typeof setTimeout> | null;
  lastUpsertAt: number;
}

/** Store limits (README "Limits"). */
export interface SessionStoreOptions<C> {
  /** How long a detached session waits for a resume; 0 ends it at once. */
  graceMs: number;
  /** Messages kept per session. */
  historyCap: number;
  /** Live sessions per site. */
  maxPerSite: number;
  /** Pages kept per session. */
  pagesCap: number;
  /** System notes kept per session. */
  notesCap?: number;
  /** Called when a detached session's grace window passed; the caller ends it. */
  onGraceExpired: (session: Session<C>) => void;
  /** Epoch milliseconds (timestamps shown to people); timers use the monotonic event loop. */
  now?: () => number;
}

/** Map sizes, for tests and metrics (SECURITY.md F12: all zero once every session ended). */
export interface SessionStoreStats {
  sessions: number;
  siteIndexes: number;
  siteEntries: number;
  operatorSites: number;
  operators: number;
  graceTimers: number;
}

/** Input of `create`. */
export interface NewSession<C> {
  siteId: string;
  conn: C;
  tech: SessionTech;
  page: { url: string; title: string };
  info?: SessionInfo;
}

// A resume token is the session id followed by its secret: one map finds both (no token map
// on every session), and the id half is no secret (operators see it). Both are 128 random bits
// as 22 base64url characters, made by Buffer#toString: one flat string each (nanoid builds its
// ids character by character, and a string that is never hashed stays a chain of ~10
// concatenation nodes, ~300 bytes, on every session).
const ID_CHARS = 22;
const SECRET_CHARS = 22;
const randomId = () => randomBytes(16).toString('base64url');

/** The token a visitor resumes this session with (sent in `welcome` only). */
export function resumeToken(session: { id: string; secret: string }): string {
  return session.id + session.secret;
}

/** The session id and secret inside a resume token; null when it has not a token's shape. */
export function splitToken(token: string): { id: string; secret: string } | null {
  if (token.length !== ID_CHARS + SECRET_CHARS) return null;
  return { id: token.slice(0, ID_CHARS), secret: token.slice(ID_CHARS) };
}

/** Default number of system notes kept per session. */
export const NOTES_CAP = 50;

/** The session store; see `createSessionStore`. */
export type SessionStore<C> = ReturnType<typeof createSessionStore<C>>;

/** Creates an empty store. */
export function createSessionStore<C>(options: SessionStoreOptions<C>) {
  const now = options.now ?? Date.now;
  const notesCap = options.notesCap ?? NOTES_CAP;
  const sessions = new Map<string, Session<C>>();
  const bySite = new Map<string, Set<Session<C>>>();
  const operators = new Map<string, Set<C>>();
  let graceTimers = 0;

  function clearGrace(session: Session<C>) {
    if (session.graceTimer) {
      clearTimeout(session.graceTimer);
      session.graceTimer = null;
      graceTimers--;
    }
  }

  const store = {
    /** Creates an active session attached to `conn`; null when the site is full. */
    create(input: NewSession<C>): Session<C> | null {
      const siteSessions = bySite.get(input.siteId);
      if (siteSessions && siteSessions.size >= options.maxPerSite) return null;
      const at = now();
      const session: Session<C> = {
        id: randomId(),
        secret: randomId(),
        siteId: input.siteId,
        state: 'active',
        conn: input.conn,
        startedAt: at,
        lastSeq: 0,
        history: null,
        truncated: 0,
        owner: null,
        participants: NONE,
        waitingSince: null,
        opened: false,
        invited: null,
        pages: [{ url: input.page.url, title: input.page.title, at }],
        tech: input.tech,
        info: input.info && hasKeys(input.info) ? input.info : NO_INFO,
        notes: NONE,
        graceTimer: null,
        upsertTimer: null,
        lastUpsertAt: 0,
      };
      sessions.set(session.id, session);
      if (siteSessions) siteSessions.add(session);
      else bySite.set(input.siteId, new Set([session]));
      return session;
    },

    /**
     * Takes in a whole session another node handed over (cluster.ts, handover.ts), as it is;
     * false when its id is live here already.
     */
    adopt(session: Session<C>): boolean {
      if (sessions.has(session.id)) return false;
      sessions.set(session.id, session);
      const siteSessions = bySite.get(session.siteId);
      if (siteSessions) siteSessions.add(session);
      else bySite.set(session.siteId, new Set([session]));
      return true;
    },

    /** The live session with this id, if any. */
    get(id: string): Session<C> | undefined {
      return sessions.get(id);
    },

    /** The live session this resume token belongs to, if any (secret compared in constant time). */
    byToken(token: string): Session<C> | undefined {
      if (token.length !== ID_CHARS + SECRET_CHARS) return undefined;
      const session = sessions.get(token.slice(0, ID_CHARS));
      if (!session) return undefined;
      const given = Buffer.from(token.slice(ID_CHARS), 'latin1');
      return timingSafeEqual(given, Buffer.from(session.secret, 'latin1')) ? session : undefined;
    },

    /** Live sessions of a site. */
    ofSite(siteId: string): Iterable<Session<C>> {
      return bySite.get(siteId) ?? [];
    },

    /** Every live session. */
    all(): Iterable<Session<C>> {
      return sessions.values();
    },

    /** Attaches a (new) socket; returns the one it replaces, if any (closed by the caller). */
    attach(session: Session<C>, conn: C): C | null {
      if (session.state === 'ended') return null;
      clearGrace(session);
      const previous = session.conn !== conn ? session.conn : null;
      session.conn = conn;
      session.state = 'active';
      return previous;
    },

    /**
     * Detaches `conn` if it is the session's socket and starts the grace timer (or calls
     * `onGraceExpired` at once when graceMs is 0). False when `conn` was not attached.
     */
    detach(session: Session<C>, conn: C): boolean {
      if (session.state !== 'active' || session.conn !== conn) return false;
      session.conn = null;
      session.state = 'detached';
      if (options.graceMs === 0) {
        options.onGraceExpired(session);
        return true;
      }
      graceTimers++;
      session.graceTimer = setTimeout(() => {
        session.graceTimer = null;
        graceTimers--;
        if (session.state === 'detached') options.onGraceExpired(session);
      }, options.graceMs);
      return true;
    },

    /**
     * Appends a message with the next seq. A client id (per side: a visitor and an operator may
     * reuse one) still in the history returns the stored message (`duplicate: true`) so the
     * sender gets the same ack again and nobody sees it twice.
     */
    append(
      session: Session<C>,
      input: {
        id: string;
        from: 'visitor' | 'operator';
        name?: string | undefined;
        /** The operator's id, on operator messages. */
        operator?: string | undefined;
        text: string;
      },
    ): { message: StoredMessage; duplicate: boolean } {
      let history = session.history;
      if (history) {
        const seen = history.find(input.from, input.id);
        const found = seen === -1 ? undefined : history.get(seen);
        if (found) return { message: found, duplicate: true };
      } else {
        history = session.history = new History(options.historyCap);
      }
      const at = now();
      const seq = ++session.lastSeq;
      session.truncated += history.push(
        input.id,
        input.from,
        input.name,
        input.text,
        at,
        input.operator,
      );
      const message: StoredMessage = {
        seq,
        id: input.id,
        from: input.from,
        name: input.name,
        operator: input.operator,
        text: input.text,
        at,
      };
      return { message, duplicate: false };
    },

    /** True when the cap dropped messages after `lastSeq` (a client resuming from there missed some). */
    truncatedAfter(session: Session<C>, lastSeq: number): boolean {
      const history = session.history;
      return history !== null && history.length > 0 && history.firstSeq > lastSeq + 1;
    },

    /** Records a page view (oldest dropped past the cap). */
    addPage(session: Session<C>, page: { url: string; title: string }): void {
      session.pages.push({ url: page.url, title: page.title, at: now() });
      if (session.pages.length > options.pagesCap) session.pages.shift();
    },

    /** Adds a system note for the transcript (oldest dropped past the cap). */
    note(session: Session<C>, text: string): void {
      if (session.notes === NONE) session.notes = [];
      session.notes.push({ text, at: now(), afterSeq: session.lastSeq });
      if (session.notes.length > notesCap) session.notes.shift();
    },

    /**
     * Ends a session: clears its timers, wipes its history and deletes every map entry. Returns false when it
     * had already ended (so a transcript goes out once, SECURITY.md F3).
     */
    end(session: Session<C>): boolean {
      if (session.state === 'ended') return false;
      session.state = 'ended';
      clearGrace(session);
      if (session.upsertTimer) clearTimeout(session.upsertTimer);
      session.upsertTimer = null;
      session.conn = null;
      sessions.delete(session.id);
      const siteSessions = bySite.get(session.siteId);
      siteSessions?.delete(session);
      if (siteSessions?.size === 0) bySite.delete(session.siteId);
      // The caller made the transcript first; the bytes are zeroed, not left for the GC.
      session.history?.wipe();
      session.history = null;
      return true;
    },

    /** Registers an authenticated operator connection for a site. */
    addOperator(siteId: string, conn: C): void {
      const set = operators.get(siteId);
      if (set) set.add(conn);
      else operators.set(siteId, new Set([conn]));
    },

    /** Removes an operator connection; false when it was not registered. */
    removeOperator(siteId: string, conn: C): boolean {
      const set = operators.get(siteId);
      if (!set?.delete(conn)) return false;
      if (set.size === 0) operators.delete(siteId);
      return true;
    },

    /** Operator connections of a site. */
    operatorsOf(siteId: string): ReadonlySet<C> {
      return operators.get(siteId) ?? EMPTY;
    },

    /** Map sizes (F12). */
    stats(): SessionStoreStats {
      let siteEntries = 0;
      for (const set of bySite.values()) siteEntries += set.size;
      let operatorCount = 0;
      for (const set of operators.values()) operatorCount += set.size;
      return {
        sessions: sessions.size,
        siteIndexes: bySite.size,
        siteEntries,
        operatorSites: operators.size,
        operators: operatorCount,
        graceTimers,
      };
    },
  };
  return store;
}

const EMPTY: ReadonlySet<never> = new Set();

// Most sessions never chat: they share these until their first message, note or participant
// (replaced, never mutated: frozen so that a missed replacement fails loudly in tests).
const NONE = Object.freeze([]) as unknown as never[];
const NO_INFO: SessionInfo = Object.freeze({});

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

/** Adds a participant's name once (the shared empty list is replaced, not mutated). */
export function addParticipant(session: Session<unknown>, name: string): void {
  if (session.participants.includes(name)) return;
  if (session.participants === NONE) session.participants = [];
  session.participants.push(name);
}
