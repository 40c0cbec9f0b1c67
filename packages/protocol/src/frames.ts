import { z } from 'zod';
import {
  author,
  canned,
  client,
  clientId,
  email,
  endReason,
  epochMs,
  errorCode,
  identity,
  line,
  name,
  operatorBadge,
  page,
  retryMs,
  seq,
  text,
  title,
  token,
  url,
  visitorSnapshot,
  widgetSettings,
} from './fields.js';
import { LIMITS } from './limits.js';

// Every frame of protocol v1 (docs/architecture.md "Wire protocol"), one discriminated union per
// direction. Object schemas strip unknown keys, so a newer client's extra fields are ignored.

const frame = <T extends string, S extends z.ZodRawShape>(t: T, shape: S) =>
  z.object({ t: z.literal(t), ...shape });

// ---- visitor → relay ----------------------------------------------------------------

/** Start or resume a session. */
export const visitorHello = frame('hello', {
  v: z.literal(1).optional(),
  resume: token.optional(),
  lastSeq: seq.optional(),
  page: page.extend({ referrer: url.optional() }),
  client,
  info: z.object(identity).optional(),
});
/** Send a chat message (`id` is the client's, for acks and de-duplication). */
export const visitorMsg = frame('msg', { id: clientId, text });
/** Typing indicator on/off. */
export const visitorTyping = frame('typing', { on: z.boolean() });
/** The visitor moved to another page (sent by the widget on navigation). */
export const visitorPage = frame('page', { url, title });
/**
 * Name, e-mail and custom info (pre-chat form or `identify()`); with `userId` and `hash`
 * (`HMAC-SHA256(site secret, userId)`, hex) a signed identity the relay verifies (issue #15).
 * Not `id`: on this wire `id` names a client message (acks, rate-limit holds).
 */
export const visitorInfo = frame('info', identity);
/** End the chat now. */
export const visitorEnd = frame('end', {});
/** Leave a message when no operator is online. */
export const visitorOffline = frame('offline', {
  id: clientId,
  name: line(LIMITS.nameChars),
  email,
  text,
});
/** Heartbeat. */
export const visitorPing = frame('ping', {});

/** Any frame a visitor may send. */
export const visitorToRelay = z.discriminatedUnion('t', [
  visitorHello,
  visitorMsg,
  visitorTyping,
  visitorPage,
  visitorInfo,
  visitorEnd,
  visitorOffline,
  visitorPing,
]);

// ---- relay → visitor ----------------------------------------------------------------

/** Session established (new or resumed). History follows as `msg` frames. */
export const relayWelcome = frame('welcome', {
  session: token,
  token,
  resumed: z.boolean(),
  /** True when history before the first replayed message was cut (history cap). */
  truncated: z.boolean(),
  operators: z.array(operatorBadge),
  online: z.boolean(),
  agent: operatorBadge.nullable(),
  widget: widgetSettings,
});
/** A chat message (from either side), with the relay's sequence number. */
export const relayMsg = frame('msg', {
  seq: seq,
  id: clientId,
  from: author,
  name: name.optional(),
  text,
  at: epochMs,
});
/** The relay stored the visitor's message `id` as `seq`. */
export const relayAck = frame('ack', { id: clientId, seq });
/** An operator is typing. */
export const relayTyping = frame('typing', { on: z.boolean(), name: name.optional() });
/** Operators online changed, or an operator took the chat. */
export const relayStatus = frame('status', {
  online: z.boolean(),
  operators: z.array(operatorBadge),
  agent: operatorBadge.nullable(),
});
/** A proactive invitation from an operator. */
export const relayInvite = frame('invite', { name, text, at: epochMs });
/** The offline message `id` was accepted for dispatch. */
export const relayQueued = frame('queued', { id: clientId });
/** The session is over; the token is dead. */
export const relayEnded = frame('ended', { reason: endReason });
/**
 * Something the client sent was refused. `id` names a refused `msg`/`offline`; with
 * `rate_limited` it also carries `retryMs`: resend that message (and only then the later ones,
 * in order) after this many milliseconds.
 */
export const relayError = frame('error', {
  code: errorCode,
  message: z.string().max(200),
  id: clientId.optional(),
  retryMs: retryMs.optional(),
});
/** Heartbeat answer. */
export const relayPong = frame('pong', {});

/** Any frame the relay may send a visitor. */
export const relayToVisitor = z.discriminatedUnion('t', [
  relayWelcome,
  relayMsg,
  relayAck,
  relayTyping,
  relayStatus,
  relayInvite,
  relayQueued,
  relayEnded,
  relayError,
  relayPong,
]);

// ---- operator → relay ---------------------------------------------------------------

/** First frame on an operator socket. */
export const operatorAuth = frame('auth', {
  v: z.literal(1).optional(),
  key: z.string().min(1).max(LIMITS.keyChars),
});
/** Take a waiting chat (or, with `takeover`, a chat another operator owns). */
export const operatorAccept = frame('accept', { session: token, takeover: z.boolean().optional() });
/** Reply in a chat. */
export const operatorMsg = frame('msg', { session: token, id: clientId, text });
/** Typing indicator in a chat. */
export const operatorTyping = frame('typing', { session: token, on: z.boolean() });
/** Invite a browsing visitor to chat (sites with `connect: "on-load"`). */
export const operatorInvite = frame('invite', { session: token, text });
/** Close a chat (the transcript is dispatched). */
export const operatorClose = frame('close', { session: token });
/** Ask for the messages of a session after `lastSeq` (after a reconnect). */
export const operatorSync = frame('sync', { session: token, lastSeq: seq });
/** Heartbeat. */
export const operatorPing = frame('ping', {});
/**
 * This console's status (issue #16): away keeps the socket and its chats, but the operator no
 * longer counts as online for visitors. A console starts online and re-sends away after `ready`.
 */
export const operatorStatus = frame('status', { away: z.boolean() });

/** Any frame an operator may send. */
export const operatorToRelay = z.discriminatedUnion('t', [
  operatorAuth,
  operatorAccept,
  operatorMsg,
  operatorTyping,
  operatorInvite,
  operatorClose,
  operatorSync,
  operatorPing,
  operatorStatus,
]);

// ---- relay → operator ---------------------------------------------------------------

/** An operator of the site as colleagues see them; `away` only when set (issue #16). */
export const operatorPresence = z.object({ id: token, name, away: z.literal(true).optional() });

/** Authenticated: who you are, the site, and every current visitor. */
export const relayReady = frame('ready', {
  operator: z.object({ id: token, name }),
  site: z.object({ id: token, name }),
  operators: z.array(operatorPresence),
  visitors: z.array(visitorSnapshot),
  canned: z.array(canned),
});
/** A visitor appeared or changed (upsert by `session`). */
export const relayVisitor = frame('visitor', { visitor: visitorSnapshot });
/** A visitor's session ended; drop it. */
export const relayGone = frame('gone', { session: token, reason: endReason });
/**
 * A chat message in `session`. `operator` is the id of the operator who wrote an operator
 * message (so a console that reloaded still knows its own messages).
 */
export const relayOperatorMsg = frame('msg', {
  session: token,
  seq,
  id: clientId,
  from: author,
  name: name.optional(),
  operator: token.optional(),
  text,
  at: epochMs,
});
/** The relay stored this operator's message `id` as `seq`. */
export const relayOperatorAck = frame('ack', { session: token, id: clientId, seq });
/** Typing in `session`, by the visitor or another operator. */
export const relayOperatorTyping = frame('typing', {
  session: token,
  on: z.boolean(),
  from: author,
  name: name.optional(),
});
/** The site's connected operators or their status changed. */
export const relayOperators = frame('operators', {
  operators: z.array(operatorPresence),
});
/** Something the operator sent was refused. */
export const relayOperatorError = frame('error', {
  code: errorCode,
  message: z.string().max(200),
  session: token.optional(),
  id: clientId.optional(),
  retryMs: retryMs.optional(),
});

/**
 * The relay node this console is on can (`partial: false`) or cannot (`partial: true`) reach
 * the other nodes of its cluster: while partial, visitors on other nodes are not shown and
 * their chats cannot be answered from here. Sent only by clustered relays, on change and
 * after `ready` while partial.
 */
export const relayCluster = frame('cluster', { partial: z.boolean() });

/** Any frame the relay may send an operator. */
export const relayToOperator = z.discriminatedUnion('t', [
  relayReady,
  relayCluster,
  relayVisitor,
  relayGone,
  relayOperatorMsg,
  relayOperatorAck,
  relayOperatorTyping,
  relayOperators,
  relayOperatorError,
  relayPong,
]);

// ---- HTTP ---------------------------------------------------------------------------

/** Body of `POST /v1/offline?site=ID` (offline message without a WebSocket). */
export const offlineRequest = z.object({
  name: line(LIMITS.nameChars),
  email,
  text,
  page: page.optional(),
});

// ---- types --------------------------------------------------------------------------

/** Frames a visitor sends. */
export type VisitorToRelay = z.output<typeof visitorToRelay>;
/** Frames the relay sends a visitor. */
export type RelayToVisitor = z.output<typeof relayToVisitor>;
/** Frames an operator sends. */
export type OperatorToRelay = z.output<typeof operatorToRelay>;
/** Frames the relay sends an operator. */
export type RelayToOperator = z.output<typeof relayToOperator>;
/** What an operator sees of one visitor. */
export type VisitorSnapshot = z.output<typeof visitorSnapshot>;
/** Widget settings sent in `welcome`. */
export type WidgetSettings = z.output<typeof widgetSettings>;
/** Body of the offline HTTP endpoint. */
export type OfflineRequest = z.output<typeof offlineRequest>;
/** An operator in `ready` and `operators`: id, name, and `away` when away. */
export type OperatorPresence = z.output<typeof operatorPresence>;
/** A canned response. */
export type CannedResponse = z.output<typeof canned>;
/** Why a session ended. */
export type EndReason = z.output<typeof endReason>;
/** A frame of direction `D`, narrowed by its `t`. */
export type FrameOf<F extends { t: string }, T extends F['t']> = Extract<F, { t: T }>;
