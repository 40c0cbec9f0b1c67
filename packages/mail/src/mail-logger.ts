/**
 * The logger the dispatcher writes to: pino-compatible (`logger.info(obj, msg)`). Every object
 * it receives is content-free: job kind, short job reference, attempt, SMTP or network code,
 * duration — never names, addresses, text or IPs.
 */
export interface MailLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that writes nothing: the default when none is given. */
export const silentLogger: MailLogger = {
  info() {},
  warn() {},
  error() {},
};
