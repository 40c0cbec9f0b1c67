// A transport whose answers a test scripts, for the dispatcher's pure tests (not for
// wire-level behaviour: that is tested against a real smtp-server). Excluded from the build.
import { SendError } from './errors.js';
import type { MailTransport, OutgoingMail, SendReceipt } from './transport.js';

/** What the scripted transport does with one send: accept, fail, or hang until released. */
export type Step = 'ok' | 'permanent' | 'transient' | 'ambiguous' | 'hang' | 'throw';

/** A transport that answers each send with the next scripted step ('ok' once the script ends). */
export interface ScriptedTransport extends MailTransport {
  /** Subjects and Message-IDs of every attempt, in order. */
  attempts: { messageId: string; subject: string }[];
  /** Settles every hanging send with success. */
  releaseAll(): void;
  closed: boolean;
}

/** Creates a scripted transport. */
export function scriptedTransport(script: Step[] = []): ScriptedTransport {
  const hanging: (() => void)[] = [];
  const transport: ScriptedTransport = {
    name: 'scripted',
    attempts: [],
    closed: false,
    send(mail: OutgoingMail): Promise<SendReceipt> {
      transport.attempts.push({ messageId: mail.messageId, subject: mail.subject });
      const step = script.shift() ?? 'ok';
      if (step === 'throw') throw new Error('synchronous failure');
      if (step === 'ok') return Promise.resolve({ code: 250 });
      if (step === 'hang') {
        return new Promise((resolve) => hanging.push(() => resolve({ code: 250 })));
      }
      const code = step === 'permanent' ? 550 : step === 'transient' ? 451 : undefined;
      return Promise.reject(new SendError(step, code ? String(code) : 'ECONNECTION', code));
    },
    releaseAll() {
      for (const release of hanging.splice(0)) release();
    },
    async close() {
      transport.closed = true;
    },
  };
  return transport;
}
