import { LIMITS } from '@conduit-chat/protocol';
import {
  operatorToRelay,
  relayOperatorMsg,
  relayToOperator,
  visitorSnapshot,
} from '@conduit-chat/protocol/schema';
import { z } from 'zod';

// What travels between relay nodes (README "Scale-out: the bus", table of messages). Every
// message carries wire frames, or fields the wire frames carried, never more; each is checked
// with `safeParse` where it arrives from Redis (`parseBusText`).

/** Visitors per `snap` message (a Redis subscriber whose buffer passes 32 MB is dropped). */
export const SNAP_PART = 200;
/**
 * The pseudo-site every node subscribes to for heartbeats: not a valid site id (those are
 * letters, digits, `_` and `-`), so it never meets a site's channel.
 */
export const NODES_CHANNEL = '.nodes';
/** Operators one node may announce for a site. */
const OPS_MAX = 1000;

const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
const connId = z.number().int().nonnegative();
const token = z.string().min(1).max(LIMITS.tokenChars);
const person = z.object({ id: z.string().max(64), name: z.string().max(LIMITS.nameChars) });
const snap = visitorSnapshot.shape;
/** An operator in a node's `ops` list: `away` as in the `operators` frame (issue #16). */
const presence = person.extend({ away: z.literal(true).optional() });

/** A session as it moves to another node: what its snapshot and `msg` frames carried. */
export const sessionState = z.object({
  startedAt: z.number(),
  lastSeq: z.number().int().nonnegative(),
  truncated: z.number().int().nonnegative(),
  /** A visitor message opened the chat: the `chat.started` webhook already fired. */
  opened: z.boolean().default(false),
  owner: person.nullable(),
  participants: z.array(z.string().max(LIMITS.nameChars)).max(OPS_MAX),
  waitingSince: z.number().nullable(),
  invited: z.object({ name: z.string().max(LIMITS.nameChars), at: z.number() }).nullable(),
  pages: snap.pages,
  tech: z.object({
    ip: z.string().max(64),
    country: z.string().max(64),
    city: z.string().max(128),
    browser: z.string().max(128),
    os: z.string().max(128),
    device: z.string().max(64),
    lang: z.string().max(LIMITS.localeChars),
    tz: z.string().max(LIMITS.localeChars),
    screenW: z.number().int(),
    screenH: z.number().int(),
    referrer: z.string().max(LIMITS.urlChars),
  }),
  // `verifiedId`: the user id the site's identity secret verified (the snapshot shows it as `userId`).
  info: z.object({
    name: snap.name,
    email: snap.email,
    custom: snap.custom,
    verifiedId: snap.userId,
  }),
  notes: z.array(
    z.object({ text: z.string().max(500), at: z.number(), afterSeq: z.number().int() }),
  ),
  history: z.array(relayOperatorMsg.omit({ t: true, session: true })),
});

/** Any message on the bus (discriminated by `k`). */
export const busMessage = z.discriminatedUnion('k', [
  // The owner's frames for operators, for the operators on other nodes (`x`: skip that one).
  z.object({
    k: z.literal('op'),
    f: relayToOperator,
    x: z.object({ node: nodeId, c: connId }).optional(),
  }),
  // An operator's frame naming a session: the session's owner runs it.
  z.object({ k: z.literal('cmd'), c: connId, o: person, f: operatorToRelay }),
  // The owner's answer to one operator.
  z.object({ k: z.literal('to'), to: nodeId, c: connId, f: relayToOperator }),
  // The operators this node holds for the site.
  z.object({ k: z.literal('ops'), ops: z.array(presence).max(OPS_MAX) }),
  // "Send me your visitors" (for one console, or the whole node); `ops`: your operators only.
  z.object({ k: z.literal('who'), c: connId.optional(), ops: z.literal(true).optional() }),
  // A node's visitors, in parts; `last` closes the list.
  z.object({
    k: z.literal('snap'),
    to: nodeId.optional(),
    c: connId.optional(),
    v: z.array(visitorSnapshot).max(SNAP_PART),
    last: z.boolean(),
  }),
  // A visitor resumed on the sender with a token it does not know.
  z.object({ k: z.literal('claim'), s: token, tok: token }),
  // The owner's answer to a claim.
  z.object({
    k: z.literal('hand'),
    to: nodeId,
    s: token,
    state: sessionState.optional(),
    denied: z.literal(true).optional(),
  }),
  // The sender leaves the cluster.
  z.object({ k: z.literal('bye') }),
  // The sender is alive (on `NODES_CHANNEL` only).
  z.object({ k: z.literal('beat') }),
]);

/** A bus message. */
export type BusMessage = z.output<typeof busMessage>;
/** A session in transit. */
export type SessionState = z.output<typeof sessionState>;

/** Messages one publish may carry (a turn's messages for a site go out together). */
export const BATCH_MAX = 64;

const envelope = z.object({ n: nodeId, m: z.array(busMessage).min(1).max(BATCH_MAX) });

/** The text messages travel as (Redis): the sender's node first, then the messages in order. */
export function busText(node: string, messages: BusMessage[]): string {
  return JSON.stringify({ n: node, m: messages });
}

/** Parses and checks a publish's text; null when it is not one. */
export function parseBusText(text: string): { from: string; messages: BusMessage[] } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const result = envelope.safeParse(raw);
  return result.success ? { from: result.data.n, messages: result.data.m } : null;
}
