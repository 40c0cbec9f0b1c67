import type { Dispatcher, DispatcherStats, MailJob } from '@conduit-chat/mail';
import type { Logger } from 'pino';

// Stand-in until @conduit-chat/mail exports `createDispatcher`: logs one content-free line per
// job (kind, id, site, recipient and message counts) and forgets the job at once.

/** A dispatcher that "sends" by logging a content-free summary. */
export function createLogDispatcher(logger: Logger): Dispatcher {
  const stats: DispatcherStats = { pending: 0, inFlight: 0, sent: 0, retried: 0, dropped: 0 };
  let closed = false;
  return {
    dispatch(job: MailJob) {
      if (closed) return { accepted: false, reason: 'closed', message: 'dispatcher closed' };
      stats.sent++;
      logger.info(
        {
          mail: job.kind,
          job: job.id,
          site: job.site.id,
          recipients: job.to.length,
          ...(job.kind === 'transcript' ? { messages: job.messages.length } : {}),
        },
        'mail (log transport)',
      );
      return { accepted: true };
    },
    drain: async () => ({ drained: true, pending: 0 }),
    stats: () => ({ ...stats }),
    close: async () => {
      closed = true;
    },
  };
}
