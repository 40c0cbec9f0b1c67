import type { BusMessage } from './bus-messages.js';

// The bus between relay nodes (README "Scale-out: the bus"): one channel per site, messages
// only, nothing stored. Two implementations run one contract suite (test-bus-contract.ts):
// `local` (in-process, objects handed over as they are) and `redis` (pub/sub).

/** What a bus calls back. */
export interface BusHandlers {
  /** A message another node published on `site`'s channel (never one of this node's own). */
  message(site: string, from: string, message: BusMessage): void;
  /** The bus went down (false) or came back (true). */
  status(up: boolean): void;
}

/** Counters of a bus, for /metrics. */
export interface BusStats {
  /** Messages received from other nodes and handed to `message`. */
  received: number;
  /** Messages published. */
  published: number;
  /** Messages not published because the bus was down, or refused on arrival (invalid). */
  dropped: number;
}

/** A node's connection to the others. */
export interface Bus {
  /** This node's id (random per process), carried by every message it publishes. */
  readonly node: string;
  /** False while the transport (Redis) is unreachable. */
  readonly up: boolean;
  /** Receives `site`'s channel from now on; resolves once messages flow (idempotent). */
  subscribe(site: string): Promise<void>;
  /** Stops receiving `site`'s channel (idempotent). */
  unsubscribe(site: string): void;
  /** Sends to every other node subscribed to `site`; dropped (and counted) while down. */
  publish(site: string, message: BusMessage): void;
  stats(): BusStats;
  close(): Promise<void>;
}

/** The channel of a site. */
export function siteChannel(site: string): string {
  return `conduit:site:${site}`;
}
