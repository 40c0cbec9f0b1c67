import { SendError } from './errors.js';
import type { MailTransport, OutgoingMail, SendReceipt } from './transport.js';

/** Options of `logTransport`. */
export interface LogTransportOptions {
  /** Print the rendered mail too (demo and `--dev` only: it is the chat's content). */
  dev: boolean;
  /** Where lines go; defaults to standard output. */
  write?: (chunk: string) => void;
}

/**
 * A transport that sends nothing: it writes one content-free JSON line per mail (kind, job
 * reference, site id, recipient count, bytes) and, only when `dev` is true, the rendered mail.
 * @example const transport = logTransport({ dev: process.argv.includes('--dev') });
 */
export function logTransport(options: LogTransportOptions): MailTransport {
  const write = options.write ?? ((chunk: string) => void process.stdout.write(chunk));
  let closed = false;
  return {
    name: 'log',
    async send(mail: OutgoingMail): Promise<SendReceipt> {
      if (closed) throw new SendError('permanent', 'closed');
      const summary = {
        level: 30,
        time: Date.now(),
        msg: 'mail (log transport)',
        kind: mail.kind,
        ref: mail.ref,
        site: mail.siteId,
        recipients: mail.to.length,
        bytes: mail.bytes,
      };
      write(`${JSON.stringify(summary)}\n`);
      if (options.dev) write(devView(mail));
      return { code: undefined };
    },
    async close() {
      closed = true;
    },
  };
}

// What a developer wants to see in the console: the headers that matter and the plain text.
function devView(mail: OutgoingMail): string {
  const from = mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address;
  const lines = [
    `----- mail ${mail.kind} ${mail.ref} (dev mode: content shown) -----`,
    `From: ${from}`,
    `To: ${mail.to.join(', ')}`,
    ...(mail.replyTo ? [`Reply-To: ${mail.replyTo}`] : []),
    `Subject: ${mail.subject}`,
    `Message-ID: ${mail.messageId}`,
    '',
    mail.text.trimEnd(),
    '----- end of mail -----',
    '',
  ];
  return lines.join('\n');
}
