import { type DestinationStream, type Logger, pino } from 'pino';

// One place that makes the relay's logger: pino JSON lines. What goes into a line is decided at
// each call site (ids, counts, codes: never text, names, e-mails, IPs or tokens).

/** Log level names the relay accepts. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A pino logger writing JSON lines to `destination` (default stdout). */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = { level, base: { name: 'conduit-relay' } };
  return destination ? pino(options, destination) : pino(options);
}
