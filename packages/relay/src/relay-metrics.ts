import type { Dispatcher } from '@conduit-chat/mail';
import type { RelayCounters } from './hub.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { SessionStoreStats } from './session-store.js';
import type { TransportName } from './transport/transport.js';

// The relay's metrics on /metrics: what an operator of the relay watches. Counts and codes only.

/** What the gauges read at every scrape. */
export interface MetricSources {
  store: () => SessionStoreStats;
  connections: () => { visitor: number; operator: number };
  dispatcher: Dispatcher;
  transport: () => TransportName;
}

/** The registry plus the counters the hub and endpoints report to. */
export interface RelayMetrics {
  registry: Metrics;
  /** The Prometheus text of every metric (flushes the batched hot-path counts first). */
  render(): string;
  counters: RelayCounters;
  /** Counts an upgrade refused for its Origin (SECURITY.md B1). */
  originRejected(role: string): void;
  /** Counts an upgrade refused for another reason (unknown site, per-address cap, …). */
  upgradeRejected(reason: string): void;
  /** Counts mail jobs left in the queue when the shutdown drain limit passed (issue #12.4). */
  mailDroppedAtShutdown(count: number): void;
}

/** Registers every relay metric. */
export function createRelayMetrics(sources: MetricSources): RelayMetrics {
  const registry = createMetrics();
  const sessionsEnded = registry.counter(
    'conduit_sessions_ended_total',
    'Sessions ended, by reason.',
    ['reason'],
  );
  const routed = registry.counter('conduit_messages_routed_total', 'Chat messages routed.', [
    'from',
  ]);
  const rejected = registry.counter(
    'conduit_frames_rejected_total',
    'Inbound frames refused, by error code.',
    ['code'],
  );
  const origins = registry.counter(
    'conduit_origin_rejections_total',
    'WebSocket upgrades refused for their Origin.',
    ['role'],
  );
  const upgrades = registry.counter(
    'conduit_upgrades_rejected_total',
    'WebSocket upgrades refused for other reasons.',
    ['reason'],
  );
  const mailJobs = registry.counter('conduit_mail_jobs_total', 'Mail jobs handed to dispatch.', [
    'kind',
    'accepted',
  ]);
  const shutdownDropped = registry.counter(
    'conduit_shutdown_mail_dropped_total',
    'Mail jobs dropped because shutdown.drainMs passed before they were sent.',
    [],
  );
  const slow = registry.counter(
    'conduit_slow_readers_total',
    'Sockets closed for exceeding the backpressure limit.',
    ['role'],
  );
  registry.gauge('conduit_sessions', 'Live visitor sessions.', () => sources.store().sessions);
  registry.gauge('conduit_sessions_detached', 'Sessions waiting in their grace window.', () => {
    return sources.store().graceTimers;
  });
  registry.gauge('conduit_connections', 'Open WebSocket connections, by role.', () => {
    const c = sources.connections();
    return [
      { labels: { role: 'visitor' }, value: c.visitor },
      { labels: { role: 'operator' }, value: c.operator },
    ];
  });
  registry.gauge('conduit_mail_queue', 'Mail jobs held by the dispatcher, by state.', () => {
    const s = sources.dispatcher.stats();
    return [
      { labels: { state: 'pending' }, value: s.pending },
      { labels: { state: 'in_flight' }, value: s.inFlight },
    ];
  });
  // Totals since start that only grow: a counter, so that rate() and increase() work on them.
  registry.collectedCounter(
    'conduit_mail_total',
    'Mail jobs sent, retried and dropped since start.',
    () => {
      const s = sources.dispatcher.stats();
      return [
        { labels: { outcome: 'sent' }, value: s.sent },
        { labels: { outcome: 'retried' }, value: s.retried },
        { labels: { outcome: 'dropped' }, value: s.dropped },
      ];
    },
  );
  registry.gauge('conduit_transport_info', 'The transport carrying the sockets.', () => [
    { labels: { transport: sources.transport() }, value: 1 },
  ]);
  // Routed messages are counted on the hot path: plain numbers, flushed into the labelled
  // counter at scrape time (building a label key per message cost ~1 µs).
  const pending = { visitor: 0, operator: 0 };
  const flush = () => {
    for (const from of ['visitor', 'operator'] as const) {
      if (pending[from] > 0) routed.inc({ from }, pending[from]);
      pending[from] = 0;
    }
  };
  return {
    registry,
    render() {
      flush();
      return registry.render();
    },
    counters: {
      frameRejected: (code) => rejected.inc({ code }),
      messageRouted: (from) => {
        pending[from]++;
      },
      sessionEnded: (reason) => sessionsEnded.inc({ reason }),
      mailJob: (kind, accepted) => mailJobs.inc({ kind, accepted: String(accepted) }),
      slowReader: (role) => slow.inc({ role }),
    },
    originRejected: (role) => origins.inc({ role }),
    upgradeRejected: (reason) => upgrades.inc({ reason }),
    mailDroppedAtShutdown: (count) => shutdownDropped.inc({}, count),
  };
}
