import type { Dispatcher } from '@conduit-chat/mail';

/** A dispatcher that takes every job and sends nothing: for browser tests that need no mail. */
export function acceptingDispatcher(): Dispatcher {
  return {
    dispatch: () => ({ accepted: true }),
    drain: async () => ({ drained: true, pending: 0 }),
    stats: () => ({ pending: 0, inFlight: 0, sent: 0, retried: 0, dropped: 0 }),
    close: async () => {},
  };
}
