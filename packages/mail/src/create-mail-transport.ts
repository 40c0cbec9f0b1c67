import { MailError } from './errors.js';
import { logTransport } from './log-transport.js';
import { type SmtpTransportOptions, smtpTransport } from './smtp-transport.js';
import type { MailTransport } from './transport.js';

/** The relay's `mail` config, as far as the transport goes: the log, or an SMTP URL. */
export type MailTransportConfig =
  | { transport: 'log' }
  | { transport?: 'smtp'; smtp: string; from?: string };

/** Options of `createMailTransport`. */
export interface MailTransportOptions {
  /** `--dev`: the log transport prints the content too. */
  dev: boolean;
  /** Write function of the log transport (defaults to standard output). */
  write?: (chunk: string) => void;
  /** Pool, timeout and TLS options of the SMTP transport. */
  smtp?: Omit<SmtpTransportOptions, 'url'>;
}

/**
 * Builds the transport the relay's config asks for.
 * @example createMailTransport({ smtp: 'smtps://u:p@smtp.acme.example' }, { dev: false })
 */
export function createMailTransport(
  config: MailTransportConfig,
  options: MailTransportOptions,
): MailTransport {
  if ('transport' in config && config.transport === 'log') {
    return logTransport({ dev: options.dev, ...(options.write ? { write: options.write } : {}) });
  }
  if ('smtp' in config && typeof config.smtp === 'string') {
    return smtpTransport({ ...options.smtp, url: config.smtp });
  }
  throw new MailError('invalid_config', "mail needs { transport: 'log' } or { smtp: URL }");
}
