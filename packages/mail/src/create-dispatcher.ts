import { type Clock, systemClock } from './clock.js';
import { type MailAddress, parseSender } from './email-address.js';
import { MailError, SendError } from './errors.js';
import type { Dispatcher, DispatcherStats, DispatchResult, MailJob } from './jobs.js';
import { MAIL_LIMITS } from './limits.js';
import { type MailLogger, silentLogger } from './mail-logger.js';
import { renderMail } from './render-mail.js';
import { renderWebhook, validateWebhookJob } from './render-webhook.js';
import { decideRetry, type RetryOptions, resolveRetry } from './retry-policy.js';
import type {
  MailTransport,
  OutgoingMail,
  OutgoingWebhook,
  WebhookTransport,
} from './transport.js';
import { validateJob } from './validate-job.js';
import type { WebhookJob } from './webhook-jobs.js';
import { webhookTransport } from './webhook-transport.js';

/** Queue and rendering limits of a dispatcher; defaults from `MAIL_LIMITS`. */
export interface QueueLimits {
  maxJobs: number;
  maxBytes: number;
  /** Offline messages held at once (default: `MAIL_LIMITS.offlineShare` of `maxJobs`). */
  maxOfflineJobs: number;
  /** Bytes of offline messages held at once (default: `offlineShare` of `maxBytes`). */
  maxOfflineBytes: number;
  /** Webhooks held at once (default: `MAIL_LIMITS.webhookShare` of `maxJobs`). */
  maxWebhookJobs: number;
  /** Bytes of webhook bodies held at once (default: `webhookShare` of `maxBytes`). */
  maxWebhookBytes: number;
  /** One webhook's JSON body; a transcript's oldest lines are cut to fit. */
  maxWebhookBodyBytes: number;
  concurrency: number;
  maxRecipients: number;
  maxMessages: number;
  maxBodyBytes: number;
}

/** Options of `createDispatcher`; only `transport` and `from` are required. */
export interface DispatcherOptions {
  transport: MailTransport;
  /** Carries webhook jobs (default: `webhookTransport()` over `node:http(s)`). */
  webhooks?: WebhookTransport;
  /** Sender, `Name <address>` or `address` (from the relay's `mail.from`). */
  from: string;
  retry?: Partial<RetryOptions>;
  limits?: Partial<QueueLimits>;
  logger?: MailLogger;
  /** Monotonic clock and timers; tests inject a manual one. */
  clock?: Clock;
  /** Source of jitter in [0, 1); defaults to `Math.random`. */
  random?: () => number;
}

// A job's lifecycle: queued -> sending -> (sent | dropped: `finish`) or -> waiting -> queued.
// `drain` may move waiting -> queued early; `close` finishes every entry that is not sending.
type EntryState = 'queued' | 'sending' | 'waiting';
// The dispatcher's: open (accepts) -> closing (refuses, drops, aborts) -> closed.
type DispatcherState = 'open' | 'closing' | 'closed';

// The ready lines, in the order they are served: transcripts, then webhooks, then offline mail.
type Lane = MailJob['kind'] | 'webhook';

// One held job. `item` is the only reference to its content; `finish` clears it.
interface Entry {
  seq: number;
  kind: Lane;
  item: OutgoingMail | OutgoingWebhook | undefined;
  bytes: number;
  state: EntryState;
  attempts: number;
  ambiguous: number;
  firstAt: number;
  dueAt: number;
  timer: unknown;
}

interface DrainWaiter {
  resolve: (result: { drained: boolean; pending: number }) => void;
  timer: unknown;
}

/**
 * Creates the mail dispatcher: `dispatch` validates and renders a job and accepts or refuses it
 * at once (never throws); accepted mail is sent through `transport`, retried per `retry`, and
 * forgotten the moment it is accepted by the server or dropped.
 * @example
 * const dispatcher = createDispatcher({ transport: smtpTransport({ url }), from: 'Chat <chat@acme.example>' });
 * dispatcher.dispatch(job); // { accepted: true }
 * await dispatcher.drain(10_000);
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const from: MailAddress | undefined = parseSender(options.from);
  if (!from) throw new MailError('invalid_config', 'from is not a single valid address');
  const retry = resolveRetry(options.retry);
  const limits = resolveLimits(options.limits);
  const { transport } = options;
  const webhooks = options.webhooks ?? webhookTransport();
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;

  const entries = new Map<number, Entry>();
  // Two ready lines: a transcript is sent before any offline message that waits (issue #12.1:
  // a flood of offline messages must not hold a finished chat back until shutdown drops it).
  // Webhooks have their own line, so a burst of them never holds a transcript back either.
  const ready: Record<Lane, Entry[]> = { transcript: [], webhook: [], offline: [] };
  // What offline messages and webhooks hold, each against its own budget (the rest stays for
  // transcripts).
  const held: Record<Lane, { jobs: number; bytes: number }> = {
    transcript: { jobs: 0, bytes: 0 },
    webhook: { jobs: 0, bytes: 0 },
    offline: { jobs: 0, bytes: 0 },
  };
  const budget: Partial<Record<Lane, { jobs: number; bytes: number; name: string }>> = {
    offline: {
      jobs: limits.maxOfflineJobs,
      bytes: limits.maxOfflineBytes,
      name: 'offline messages',
    },
    webhook: { jobs: limits.maxWebhookJobs, bytes: limits.maxWebhookBytes, name: 'webhooks' },
  };
  const waiters = new Set<DrainWaiter>();
  const counters = { sent: 0, retried: 0, dropped: 0, refused: 0 };
  let state: DispatcherState = 'open';
  let seq = 0;
  let inFlight = 0;
  let bytes = 0;
  let settled: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  // `message` names a limit or a field, never a value, so it may be logged.
  function refuse(
    reason: 'queue_full' | 'closed' | 'invalid',
    message: string,
    noun: 'mail' | 'webhook' = 'mail',
  ): DispatchResult {
    counters.refused++;
    logger.warn({ reason, problem: message }, `${noun} refused`);
    return { accepted: false, reason, message };
  }

  function dispatch(job: MailJob): DispatchResult {
    if (state !== 'open') return refuse('closed', 'The dispatcher is closed.');
    const problem = validateJob(job, limits.maxRecipients);
    if (problem !== undefined) return refuse('invalid', problem);
    return admit(job.kind, () => renderMail(job, from!, limits));
  }

  function dispatchWebhook(job: WebhookJob): DispatchResult {
    if (state !== 'open') return refuse('closed', 'The dispatcher is closed.', 'webhook');
    const problem = validateWebhookJob(job);
    if (problem !== undefined) return refuse('invalid', problem, 'webhook');
    return admit('webhook', () => renderWebhook(job, limits.maxWebhookBodyBytes));
  }

  // Checks the queue's room, renders, and queues; the budgets are checked before rendering
  // (cheap) and after (by size).
  function admit(lane: Lane, render: () => OutgoingMail | OutgoingWebhook): DispatchResult {
    const noun = nounOf(lane);
    if (entries.size >= limits.maxJobs) return refuse('queue_full', 'Too many jobs queued.', noun);
    const own = budget[lane];
    if (own && held[lane].jobs >= own.jobs) {
      return refuse('queue_full', `Too many ${own.name} queued.`, noun);
    }
    let item: OutgoingMail | OutgoingWebhook;
    try {
      item = render();
    } catch {
      return refuse('invalid', 'The job could not be rendered.', noun);
    }
    if (bytes + item.bytes > limits.maxBytes) {
      return refuse('queue_full', 'Too many bytes queued.', noun);
    }
    if (own && held[lane].bytes + item.bytes > own.bytes) {
      return refuse('queue_full', `Too many bytes of ${own.name} queued.`, noun);
    }
    const now = clock.now();
    const entry: Entry = {
      seq: ++seq,
      kind: lane,
      item,
      bytes: item.bytes,
      state: 'queued',
      attempts: 0,
      ambiguous: 0,
      firstAt: now,
      dueAt: now,
      timer: undefined,
    };
    entries.set(entry.seq, entry);
    bytes += entry.bytes;
    held[lane].jobs++;
    held[lane].bytes += entry.bytes;
    ready[lane].push(entry);
    pump();
    return { accepted: true };
  }

  function pump(): void {
    while (state !== 'closed' && inFlight < limits.concurrency) {
      const entry = ready.transcript.shift() ?? ready.webhook.shift() ?? ready.offline.shift();
      if (!entry) return;
      if (entry.item) attempt(entry, entry.item);
    }
  }

  function attempt(entry: Entry, item: OutgoingMail | OutgoingWebhook): void {
    entry.state = 'sending';
    entry.attempts++;
    inFlight++;
    const started = clock.now();
    const log = { kind: item.kind, ref: item.ref, attempt: entry.attempts };
    const noun = nounOf(entry.kind);
    let sending: Promise<{ code: number | undefined }>;
    try {
      sending = item.kind === 'webhook' ? webhooks.send(item) : transport.send(item);
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending
      .then(
        (receipt) => {
          counters.sent++;
          logger.info(
            { ...log, code: receipt.code, ms: Math.round(clock.now() - started) },
            `${noun} sent`,
          );
          finish(entry);
        },
        (error: unknown) => failed(entry, log, error),
      )
      .finally(() => {
        inFlight--;
        if (inFlight === 0) settled?.();
        pump();
        checkDrained();
      });
  }

  function failed(entry: Entry, log: Record<string, unknown>, error: unknown): void {
    const failure =
      error instanceof SendError
        ? error
        : new SendError('transient', 'unexpected', undefined, error);
    if (failure.kind === 'ambiguous') entry.ambiguous++;
    const elapsedMs = clock.now() - entry.firstAt;
    const attempts = { attempts: entry.attempts, ambiguous: entry.ambiguous, elapsedMs };
    // Once closing, nothing is retried: a failed send is dropped as 'closed'.
    const decision =
      state === 'open'
        ? decideRetry(failure.kind, attempts, retry, random)
        : ({ action: 'drop', reason: 'closed' } as const);
    if (decision.action === 'drop') {
      counters.dropped++;
      logger.error(
        { ...log, code: failure.detail, reason: decision.reason },
        `${nounOf(entry.kind)} dropped`,
      );
      finish(entry);
      return;
    }
    counters.retried++;
    logger.warn(
      { ...log, code: failure.detail, delayMs: decision.delayMs },
      `${nounOf(entry.kind)} retry`,
    );
    schedule(entry, decision.delayMs);
  }

  function schedule(entry: Entry, delayMs: number): void {
    entry.state = 'waiting';
    entry.dueAt = clock.now() + delayMs;
    entry.timer = clock.setTimeout(() => {
      entry.timer = undefined;
      entry.state = 'queued';
      ready[entry.kind].push(entry);
      pump();
    }, delayMs);
  }

  // The job's content is released here, and only here: the entry leaves every structure.
  function finish(entry: Entry): void {
    if (entry.timer !== undefined) clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.item = undefined;
    if (entries.delete(entry.seq)) {
      bytes -= entry.bytes;
      held[entry.kind].jobs--;
      held[entry.kind].bytes -= entry.bytes;
    }
    if (entry.state === 'queued') {
      const line = ready[entry.kind];
      const index = line.indexOf(entry);
      if (index >= 0) line.splice(index, 1);
    }
  }

  function checkDrained(): void {
    if (entries.size > 0) return;
    for (const waiter of waiters) {
      clock.clearTimeout(waiter.timer);
      waiter.resolve({ drained: true, pending: 0 });
    }
    waiters.clear();
  }

  function drain(timeoutMs: number): Promise<{ drained: boolean; pending: number }> {
    if (entries.size === 0) return Promise.resolve({ drained: true, pending: 0 });
    // A retry due after the deadline would be lost with the process: try it now, once.
    const deadline = clock.now() + timeoutMs;
    for (const entry of entries.values()) {
      if (entry.state === 'waiting' && entry.dueAt > deadline) {
        clock.clearTimeout(entry.timer);
        entry.timer = undefined;
        entry.state = 'queued';
        ready[entry.kind].push(entry);
      }
    }
    const result = new Promise<{ drained: boolean; pending: number }>((resolve) => {
      const waiter: DrainWaiter = { resolve, timer: undefined };
      waiter.timer = clock.setTimeout(
        () => {
          waiters.delete(waiter);
          resolve({ drained: entries.size === 0, pending: entries.size });
        },
        Math.max(0, timeoutMs),
      );
      waiters.add(waiter);
    });
    pump();
    return result;
  }

  function close(): Promise<void> {
    closing ??= shutDown();
    return closing;
  }

  async function shutDown(): Promise<void> {
    state = 'closing';
    // Whatever is not yet accepted is dropped: nothing outlives the dispatcher (drain first).
    for (const entry of [...entries.values()]) {
      if (entry.state === 'sending' || !entry.item) continue;
      counters.dropped++;
      logger.error(
        { kind: entry.item.kind, ref: entry.item.ref, reason: 'closed' },
        `${nounOf(entry.kind)} dropped`,
      );
      finish(entry);
    }
    // The transport aborts what is on the wire; those sends fail and are dropped as 'closed'.
    await Promise.all([transport.close(), webhooks.close()]);
    if (inFlight > 0) await new Promise<void>((resolve) => (settled = resolve));
    settled = undefined;
    state = 'closed';
    checkDrained();
  }

  function stats(): DispatcherStats {
    return { pending: entries.size, inFlight, ...counters, bytes };
  }

  return { dispatch, dispatchWebhook, drain, stats, close };
}

// Log lines say what was sent: 'mail sent', 'webhook retry', …
function nounOf(lane: Lane): 'mail' | 'webhook' {
  return lane === 'webhook' ? 'webhook' : 'mail';
}

function resolveLimits(partial: Partial<QueueLimits> = {}): QueueLimits {
  const maxJobs = partial.maxJobs ?? MAIL_LIMITS.maxJobs;
  const maxBytes = partial.maxBytes ?? MAIL_LIMITS.maxBytes;
  const share = (total: number) => Math.max(1, Math.floor(total * MAIL_LIMITS.offlineShare));
  const limits: QueueLimits = {
    maxJobs,
    maxBytes,
    maxOfflineJobs: share(maxJobs),
    maxOfflineBytes: share(maxBytes),
    maxWebhookJobs: Math.max(1, Math.floor(maxJobs * MAIL_LIMITS.webhookShare)),
    maxWebhookBytes: Math.max(1, Math.floor(maxBytes * MAIL_LIMITS.webhookShare)),
    maxWebhookBodyBytes: MAIL_LIMITS.maxWebhookBodyBytes,
    concurrency: MAIL_LIMITS.concurrency,
    maxRecipients: MAIL_LIMITS.maxRecipients,
    maxMessages: MAIL_LIMITS.maxMessages,
    maxBodyBytes: MAIL_LIMITS.maxBodyBytes,
    ...partial,
  };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new MailError('invalid_config', `limits.${key} must be a positive integer`);
    }
  }
  // A share larger than the whole would let offline messages fill the room kept for transcripts.
  if (limits.maxOfflineJobs > limits.maxJobs || limits.maxOfflineBytes > limits.maxBytes) {
    throw new MailError(
      'invalid_config',
      'limits.maxOfflineJobs/maxOfflineBytes must not exceed maxJobs/maxBytes',
    );
  }
  if (limits.maxWebhookJobs > limits.maxJobs || limits.maxWebhookBytes > limits.maxBytes) {
    throw new MailError(
      'invalid_config',
      'limits.maxWebhookJobs/maxWebhookBytes must not exceed maxJobs/maxBytes',
    );
  }
  return limits;
}
