import {
  CLOSE_CODES,
  type OperatorPresence,
  type OperatorToRelay,
  type RelayToOperator,
} from '@conduit-chat/protocol';
import type { Bus, BusHandlers } from './bus/bus.js';
import { type BusMessage, NODES_CHANNEL, SNAP_PART } from './bus/bus-messages.js';
import type { SiteConfig } from './config.js';
import { exportSession, importSession } from './handover.js';
import { type Hub, newConnState, type RelayConn } from './hub.js';
import type { Metrics } from './metrics.js';
import { type Session, splitToken } from './session-store.js';
import { ratePolicy } from './token-bucket.js';

// Several relay nodes acting as one over a bus (README "Scale-out: the bus"). The hub calls
// in here through its `RemoteHooks`; messages from other nodes come in through `message`.
// A session lives on the node holding the visitor's socket (its owner); the other nodes know
// its id and owner only (`directory`), never its content.

type Person = { id: string; name: string };
type ConnRef = { node: string; c: number };

/** What the cluster needs. */
export interface ClusterDeps {
  hub: Hub;
  /** Makes the bus with the cluster's handlers. */
  bus: (handlers: BusHandlers) => Bus;
  /** Runs an operator frame as the operator endpoint does (`operatorEndpoint().command`). */
  command: (conn: RelayConn, op: Person, frame: OperatorToRelay) => void;
}

/** The cluster; see `createCluster`. */
export type Cluster = ReturnType<typeof createCluster>;

interface Claim {
  conn: RelayConn;
  token: string;
  siteId: string;
  resume: (session: Session<RelayConn>) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Our own claim came back in the channel's order: commands after it are ours to run. */
  echoed: boolean;
  held: Array<{ from: string; message: Extract<BusMessage, { k: 'cmd' }> }>;
}

/** Wires `deps.hub` to the other nodes through `deps.bus`. */
export function createCluster(deps: ClusterDeps) {
  const { hub, command } = deps;
  const { store, logger, config } = hub;
  /** Sockets per site on this node (visitor and operator). */
  const sockets = new Map<string, number>();
  const subscribed = new Set<string>();
  /** Per site: session id → the node holding it (other nodes' sessions only). */
  const directory = new Map<string, Map<string, string>>();
  /** Per site: node → its operators. */
  const remoteOps = new Map<string, Map<string, OperatorPresence[]>>();
  /** This node's operator sockets by the id other nodes address them with. */
  const conns = new Map<number, RelayConn>();
  const connIds = new WeakMap<RelayConn, number>();
  /** Stand-ins for operators of other nodes (`proxy`): where their answers go. */
  const proxies = new WeakMap<RelayConn, ConnRef>();
  const claims = new Map<string, Claim>();
  /** Per site and node: sessions listed by the `snap` parts received so far. */
  const snapping = new Map<string, Set<string>>();
  let nextConn = 1;
  let closed = false;
  let wasDown = false;
  /** When each other node was last heard (monotonic ms), for the heartbeat sweep. */
  const lastSeen = new Map<string, number>();

  const bus = deps.bus({ message, status });

  function dir(siteId: string): Map<string, string> {
    let map = directory.get(siteId);
    if (!map) {
      map = new Map();
      directory.set(siteId, map);
    }
    return map;
  }

  function holdsSessions(siteId: string): boolean {
    for (const _ of store.ofSite(siteId)) return true;
    return false;
  }

  /** Subscribed to a site exactly while this node holds a socket or a session of it. */
  function check(siteId: string): void {
    const needed =
      !closed &&
      ((sockets.get(siteId) ?? 0) > 0 ||
        holdsSessions(siteId) ||
        [...claims.values()].some((c) => c.siteId === siteId));
    if (needed && !subscribed.has(siteId)) {
      subscribed.add(siteId);
      // New here: learn who is online for the site (status frames for this node's visitors).
      void bus.subscribe(siteId).then(() => {
        if (subscribed.has(siteId)) bus.publish(siteId, { k: 'who', ops: true });
      });
    } else if (!needed && subscribed.has(siteId)) {
      subscribed.delete(siteId);
      bus.unsubscribe(siteId);
      directory.delete(siteId);
      remoteOps.delete(siteId);
    }
  }

  /** This node's operators of the site, `away` when every console of theirs here is away. */
  function localOperators(siteId: string): OperatorPresence[] {
    const seen = new Map<string, OperatorPresence>();
    for (const op of store.operatorsOf(siteId)) {
      const o = op.data.operator;
      if (!o) continue;
      const known = seen.get(o.id);
      if (known) {
        if (!op.data.away) delete known.away;
      } else
        seen.set(
          o.id,
          op.data.away ? { id: o.id, name: o.name, away: true } : { id: o.id, name: o.name },
        );
    }
    return [...seen.values()];
  }

  function ref(conn: RelayConn): ConnRef | undefined {
    const proxy = proxies.get(conn);
    if (proxy) return proxy;
    const c = connIds.get(conn);
    return c === undefined ? undefined : { node: bus.node, c };
  }

  /** An operator of another node, as the endpoints see one: its frames go back over the bus. */
  function proxy(site: SiteConfig, node: string, c: number, op: Person): RelayConn {
    const data = newConnState('operator', site, '', '', ratePolicy(1, 1));
    data.phase = 'ready';
    data.operator = { id: op.id, name: op.name, keyHash: '' };
    const reply = (text: string) => {
      bus.publish(site.id, { k: 'to', to: node, c, f: JSON.parse(text) as RelayToOperator });
      return 'ok' as const;
    };
    const conn: RelayConn = {
      data,
      closed: false,
      send: reply,
      queue: reply,
      bufferedAmount: () => 0,
      close() {},
      terminate() {},
    };
    proxies.set(conn, { node, c });
    return conn;
  }

  /** This node's visitors of a site, in `snap` parts (`to`/`c`: for one node or console). */
  function publishSnap(siteId: string, to?: string, c?: number): void {
    const all = [...store.ofSite(siteId)].map((s) => hub.snapshot(s));
    for (let i = 0; i === 0 || i < all.length; i += SNAP_PART) {
      bus.publish(siteId, {
        k: 'snap',
        ...(to !== undefined ? { to } : {}),
        ...(c !== undefined ? { c } : {}),
        v: all.slice(i, i + SNAP_PART),
        last: i + SNAP_PART >= all.length,
      });
    }
  }

  function sendTo(c: number | undefined, siteId: string, frame: RelayToOperator): void {
    if (c === undefined) hub.toLocalOperators(siteId, frame);
    else {
      const conn = conns.get(c);
      if (conn && conn.data.site.id === siteId) hub.send(conn, frame);
    }
  }

  function message(siteId: string, from: string, m: BusMessage): void {
    lastSeen.set(from, performance.now());
    if (siteId === NODES_CHANNEL) return;
    if (!subscribed.has(siteId)) return;
    const site = hub.sites.get(siteId);
    if (!site) return;
    switch (m.k) {
      case 'op': {
        const f = m.f;
        if (f.t === 'visitor' && !store.get(f.visitor.session))
          dir(siteId).set(f.visitor.session, from);
        if (f.t === 'gone') dir(siteId).delete(f.session);
        const except = m.x && m.x.node === bus.node ? conns.get(m.x.c) : undefined;
        hub.toLocalOperators(siteId, f, except);
        return;
      }
      case 'cmd': {
        if (!('session' in m.f)) return;
        const claim = claims.get(m.f.session);
        if (claim?.echoed) {
          claim.held.push({ from, message: m });
          return;
        }
        run(site, from, m);
        return;
      }
      case 'to': {
        if (m.to !== bus.node) return;
        const conn = conns.get(m.c);
        if (conn && !conn.closed && conn.data.site.id === siteId) hub.send(conn, m.f);
        return;
      }
      case 'ops': {
        let nodes = remoteOps.get(siteId);
        if (!nodes) {
          nodes = new Map();
          remoteOps.set(siteId, nodes);
        }
        if (m.ops.length > 0) nodes.set(from, m.ops);
        else nodes.delete(from);
        hub.operatorsChanged(siteId, false);
        return;
      }
      case 'who': {
        if (!m.ops) publishSnap(siteId, from, m.c);
        const ops = localOperators(siteId);
        if (ops.length > 0) bus.publish(siteId, { k: 'ops', ops });
        return;
      }
      case 'snap': {
        if (m.to !== undefined && m.to !== bus.node) return;
        const key = `${siteId}\n${from}`;
        let seen = snapping.get(key);
        if (!seen) {
          seen = new Set();
          snapping.set(key, seen);
        }
        const d = dir(siteId);
        for (const v of m.v) {
          if (store.get(v.session)) continue;
          seen.add(v.session);
          d.set(v.session, from);
          sendTo(m.c, siteId, { t: 'visitor', visitor: v });
        }
        if (!m.last) return;
        snapping.delete(key);
        // The last part makes the list whole: what we thought `from` held and it did not
        // list has ended while we could not hear it.
        for (const [session, node] of d) {
          if (node !== from || seen.has(session)) continue;
          d.delete(session);
          if (m.c === undefined)
            hub.toLocalOperators(siteId, { t: 'gone', session, reason: 'unknown' });
        }
        return;
      }
      case 'claim':
        handOver(siteId, from, m.s, m.tok);
        return;
      case 'hand': {
        if (m.state) dir(siteId).set(m.s, m.to);
        if (m.to !== bus.node) {
          return;
        }
        adopt(siteId, m.s, m.state);
        return;
      }
      case 'bye':
        forgetNode(siteId, from, false);
        return;
      case 'beat':
        return;
    }
  }

  /**
   * Forgets a node's operators and directory entries for a site: it left (`bye`: its sessions
   * moved or ended, and said so), or it died (`gone` for its visitors: their chats are lost).
   */
  function forgetNode(siteId: string, node: string, died: boolean): void {
    const ops = remoteOps.get(siteId);
    const had = ops?.delete(node) ?? false;
    const d = directory.get(siteId);
    if (d) {
      for (const [session, owner] of d) {
        if (owner !== node) continue;
        d.delete(session);
        if (died) hub.toLocalOperators(siteId, { t: 'gone', session, reason: 'unknown' });
      }
    }
    if (had) hub.operatorsChanged(siteId, false);
  }

  /** Nodes silent for 3 heartbeats are dead (SIGKILL, cable): what they held is gone. */
  function sweep(): void {
    if (!bus.up) return;
    const limit = performance.now() - 3 * config.cluster.heartbeatMs;
    for (const [node, seen] of lastSeen) {
      if (seen > limit) continue;
      lastSeen.delete(node);
      logger.warn({ node }, 'cluster: node silent, taken for dead');
      for (const siteId of subscribed) forgetNode(siteId, node, true);
    }
  }

  void bus.subscribe(NODES_CHANNEL);
  const heartbeat = setInterval(() => {
    bus.publish(NODES_CHANNEL, { k: 'beat' });
    sweep();
  }, config.cluster.heartbeatMs);
  heartbeat.unref();

  /** Runs another node's operator frame here if this node holds the session. */
  function run(site: SiteConfig, from: string, m: Extract<BusMessage, { k: 'cmd' }>): void {
    if (!('session' in m.f)) return;
    const session = store.get(m.f.session);
    if (!session || session.siteId !== site.id) return;
    command(proxy(site, from, m.c, m.o), m.o, m.f);
  }

  /** Another node's visitor resumed with a token of a session held here: it moves there. */
  function handOver(siteId: string, to: string, id: string, token: string): void {
    const session = store.get(id);
    if (!session || session.siteId !== siteId || claims.has(id)) return;
    if (store.byToken(token) !== session) {
      bus.publish(siteId, { k: 'hand', to, s: id, denied: true });
      return;
    }
    bus.publish(siteId, { k: 'hand', to, s: id, state: exportSession(session) });
    const conn = session.conn;
    if (conn) {
      conn.data.session = null;
      conn.close(CLOSE_CODES.replaced, 'opened elsewhere');
    }
    // Forgotten here: maps deleted, history zeroed; no transcript, no `gone` (it goes on there).
    store.end(session);
    session.notes = [];
    session.pages = [];
    session.info = {};
    dir(siteId).set(id, to);
    logger.info({ session: id, site: siteId }, 'session handed over');
    check(siteId);
  }

  function adopt(siteId: string, id: string, state: Extract<BusMessage, { k: 'hand' }>['state']) {
    const claim = claims.get(id);
    if (!claim) return;
    claims.delete(id);
    clearTimeout(claim.timer);
    const conn = claim.conn;
    const parts = splitToken(claim.token);
    if (!state || !parts || conn.closed) {
      if (!conn.closed) hub.send(conn, { t: 'ended', reason: 'unknown' });
      check(siteId);
      return;
    }
    const session = importSession(
      { id, secret: parts.secret, siteId, conn, historyCap: config.session.historyCap },
      state,
    );
    if (!store.adopt(session)) {
      hub.send(conn, { t: 'ended', reason: 'unknown' });
      return;
    }
    dir(siteId).delete(id);
    logger.info({ session: id, site: siteId }, 'session taken over');
    claim.resume(session);
    const site = hub.sites.get(siteId);
    if (site) for (const h of claim.held) run(site, h.from, h.message);
  }

  function status(up: boolean): void {
    // The first `up` (at start) is no news to anyone.
    const news = up ? wasDown : true;
    wasDown = !up;
    if (!news) return;
    // Nobody was heard while we were deaf: the sweep starts their clocks again.
    const now = performance.now();
    for (const node of lastSeen.keys()) lastSeen.set(node, now);
    for (const conn of conns.values()) hub.send(conn, { t: 'cluster', partial: !up });
    if (!up) return;
    // Back: tell the others what they missed, and ask for what we missed.
    for (const siteId of subscribed) {
      void bus.subscribe(siteId);
      const ops = localOperators(siteId);
      if (ops.length > 0) bus.publish(siteId, { k: 'ops', ops });
      if (holdsSessions(siteId)) publishSnap(siteId);
      bus.publish(siteId, { k: 'who' });
    }
  }

  hub.setRemote({
    toOperators(siteId, frame, except) {
      const x = except ? ref(except) : undefined;
      bus.publish(siteId, x ? { k: 'op', f: frame, x } : { k: 'op', f: frame });
    },
    operators(siteId) {
      const nodes = remoteOps.get(siteId);
      return nodes ? [...nodes.values()].flat() : [];
    },
    presence(siteId) {
      bus.publish(siteId, { k: 'ops', ops: localOperators(siteId) });
    },
    ended(siteId) {
      check(siteId);
    },
    forward(conn, op, frame) {
      if (!('session' in frame)) return false;
      const siteId = conn.data.site.id;
      if (!directory.get(siteId)?.has(frame.session)) return false;
      const c = connIds.get(conn);
      if (c === undefined) return false;
      bus.publish(siteId, { k: 'cmd', c, o: { id: op.id, name: op.name }, f: frame });
      return true;
    },
    claim(conn, token, resume) {
      const parts = splitToken(token);
      const siteId = conn.data.site.id;
      if (!parts || claims.has(parts.id)) return false;
      const claim: Claim = {
        conn,
        token,
        siteId,
        resume,
        echoed: false,
        held: [],
        timer: setTimeout(() => {
          if (claims.get(parts.id) !== claim) return;
          claims.delete(parts.id);
          check(siteId);
          if (conn.closed) return;
          // Nobody answered: the session is over (bus up), or unreachable for now (bus down:
          // the widget tries again with the same token).
          if (bus.up) hub.send(conn, { t: 'ended', reason: 'unknown' });
          else conn.close(CLOSE_CODES.tryAgain, 'cluster unreachable');
        }, config.cluster.claimTimeoutMs),
      };
      claims.set(parts.id, claim);
      check(siteId);
      void bus.subscribe(siteId).then(() => {
        if (claims.get(parts.id) !== claim) return;
        bus.publish(siteId, { k: 'claim', s: parts.id, tok: token });
        // Our claim is ordered on the channel once published: from here on, a command for
        // this session that nobody ran is held for us.
        claim.echoed = true;
      });
      return true;
    },
    operatorReady(conn) {
      const c = nextConn++;
      conns.set(c, conn);
      connIds.set(conn, c);
      bus.publish(conn.data.site.id, { k: 'who', c });
      if (!bus.up) hub.send(conn, { t: 'cluster', partial: true });
    },
  });

  return {
    bus,
    /** A socket of `conn`'s site opened here. */
    opened(conn: RelayConn): void {
      const siteId = conn.data.site.id;
      sockets.set(siteId, (sockets.get(siteId) ?? 0) + 1);
      check(siteId);
    },
    /** A socket closed (after its endpoint saw it). */
    closed(conn: RelayConn): void {
      const siteId = conn.data.site.id;
      const c = connIds.get(conn);
      if (c !== undefined) conns.delete(c);
      const left = (sockets.get(siteId) ?? 1) - 1;
      if (left > 0) sockets.set(siteId, left);
      else sockets.delete(siteId);
      check(siteId);
    },
    /** Waits until every session here was claimed or ended, or `ms` passed. */
    async handover(ms: number): Promise<number> {
      const until = performance.now() + ms;
      while (store.stats().sessions > 0 && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return store.stats().sessions;
    },
    /** Leaves the cluster: `bye` on every site, then the bus closes. */
    async close(): Promise<void> {
      for (const siteId of subscribed) bus.publish(siteId, { k: 'bye' });
      clearInterval(heartbeat);
      closed = true;
      hub.setRemote(null);
      await bus.close();
    },
  };
}

/** The bus's gauges on /metrics (per node; they add up across nodes like the others). */
export function registerBusMetrics(registry: Metrics, bus: Bus): void {
  registry.gauge('conduit_bus_up', 'The cluster bus is reachable (1) or not (0).', () =>
    bus.up ? 1 : 0,
  );
  registry.gauge('conduit_bus_messages_total', 'Bus messages since start, by direction.', () => {
    const s = bus.stats();
    return [
      { labels: { dir: 'in' }, value: s.received },
      { labels: { dir: 'out' }, value: s.published },
    ];
  });
  registry.gauge(
    'conduit_bus_dropped_total',
    'Bus messages not published (bus down) or refused on arrival (invalid).',
    () => bus.stats().dropped,
  );
}
