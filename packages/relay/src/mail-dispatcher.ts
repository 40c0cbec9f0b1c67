import { createDispatcher, createMailTransport, type Dispatcher } from '@conduit-chat/mail';
import type { Logger } from 'pino';
import type { RelayConfig } from './config.js';

// The relay's default dispatcher, built from its `mail` config: the log transport (demo) or
// pooled SMTP. The dispatcher logs content-free lines through the relay's logger.

/** Sender used with the log transport (nothing is sent, but the mail is rendered with it). */
export const LOG_SENDER = 'Conduit <noreply@conduit.invalid>';

/** Creates the dispatcher `config.mail` asks for; `write` receives the log transport's lines. */
export function createRelayDispatcher(
  config: RelayConfig,
  logger: Logger,
  write: (chunk: string) => void = (chunk) => void process.stdout.write(chunk),
): Dispatcher {
  const mail = config.mail;
  const transport = createMailTransport(
    mail.transport === 'log' ? { transport: 'log' } : { smtp: mail.smtp },
    { dev: config.dev, write },
  );
  return createDispatcher({
    transport,
    from: mail.transport === 'log' ? LOG_SENDER : mail.from,
    logger: logger.child({ component: 'mail' }),
  });
}
