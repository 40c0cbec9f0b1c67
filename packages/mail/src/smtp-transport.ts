import { Transform } from 'node:stream';
import type { NodemailerError } from 'nodemailer';
import nodemailer from 'nodemailer';
import { MailError, SendError } from './errors.js';
import type { MailTransport, OutgoingMail, SendReceipt } from './transport.js';

/** Options of `smtpTransport`; everything but `url` has a default. */
export interface SmtpTransportOptions {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (implicit TLS). */
  url: string;
  /** Pooled connections: `maxConnections` (5), `maxMessages` per connection (100), `idleTimeoutMs` (30 000). */
  pool?: { maxConnections?: number; maxMessages?: number; idleTimeoutMs?: number };
  /** `connectionMs` (10 000), `greetingMs` (10 000), `socketMs` of inactivity (60 000). */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
  /**
   * Certificates are always verified. `requireTLS` (false) refuses a server that does not offer
   * STARTTLS; `ca` adds trusted certificates (a private CA); `servername` overrides SNI.
   */
  tls?: { requireTLS?: boolean; ca?: string | Buffer; servername?: string };
}

/** Defaults of `smtpTransport`, in milliseconds and counts. */
export const SMTP_DEFAULTS = {
  maxConnections: 5,
  maxMessages: 100,
  idleTimeoutMs: 30_000,
  connectionMs: 10_000,
  greetingMs: 10_000,
  socketMs: 60_000,
} as const;

// Marks, per Message-ID, that the whole message was handed to the socket: a connection lost
// after that is ambiguous (the server may have accepted it), before it merely transient (F10).
type StreamState = { streamed: boolean };

/**
 * A pooled SMTP transport on nodemailer: TLS verification on, file and URL access off, no
 * nodemailer requeueing (the dispatcher owns retries), every failure classified as permanent
 * (5xx), transient (4xx, network, TLS, timeout) or ambiguous (lost after the data was sent).
 * @example const transport = smtpTransport({ url: 'smtps://user:pass@smtp.acme.example' });
 */
export function smtpTransport(options: SmtpTransportOptions): MailTransport {
  const target = parseSmtpUrl(options.url);
  const pool = options.pool ?? {};
  const timeouts = options.timeouts ?? {};
  const tls = options.tls ?? {};
  const transporter = nodemailer.createTransport({
    pool: true,
    host: target.host,
    port: target.port,
    secure: target.secure,
    ...(target.auth ? { auth: target.auth } : {}),
    requireTLS: tls.requireTLS ?? false,
    tls: {
      rejectUnauthorized: true,
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    },
    maxConnections: pool.maxConnections ?? SMTP_DEFAULTS.maxConnections,
    maxMessages: pool.maxMessages ?? SMTP_DEFAULTS.maxMessages,
    idleTimeout: pool.idleTimeoutMs ?? SMTP_DEFAULTS.idleTimeoutMs,
    maxRequeues: 0,
    connectionTimeout: timeouts.connectionMs ?? SMTP_DEFAULTS.connectionMs,
    greetingTimeout: timeouts.greetingMs ?? SMTP_DEFAULTS.greetingMs,
    socketTimeout: timeouts.socketMs ?? SMTP_DEFAULTS.socketMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    // nodemailer's own log lines can quote addresses and content: never enabled.
    logger: false,
    debug: false,
  });
  // A pooled transport emits 'error' for a failed idle connection; the send itself reports it.
  transporter.on('error', () => {});

  const streams = new Map<string, StreamState>();
  transporter.use('stream', (mail, done) => {
    const state = streams.get(String(mail.data.messageId));
    if (state) {
      mail.message.transform(
        () =>
          new Transform({
            transform: (chunk, _encoding, callback) => callback(null, chunk),
            flush: (callback) => {
              state.streamed = true;
              callback();
            },
          }),
      );
    }
    done();
  });

  // In-flight sends, so `close` can abort them: closing the pool alone leaves a send waiting on
  // a silent server until the socket timeout.
  const aborts = new Set<AbortController>();
  let closed = false;
  return {
    name: 'smtp',
    async send(mail: OutgoingMail): Promise<SendReceipt> {
      if (closed) throw new SendError('permanent', 'closed');
      const state: StreamState = { streamed: false };
      const abort = new AbortController();
      streams.set(mail.messageId, state);
      aborts.add(abort);
      try {
        const info = await transporter.sendMail({
          from: { name: mail.from.name, address: mail.from.address },
          to: mail.to.map((address) => ({ name: '', address })),
          ...(mail.replyTo ? { replyTo: { name: '', address: mail.replyTo } } : {}),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          // RFC 3834: machine-made mail; vacation responders and Exchange should not answer it.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
          // Set explicitly: the envelope is the configured sender and recipients, nothing else (B8).
          envelope: { from: mail.from.address, to: [...mail.to] },
          disableFileAccess: true,
          disableUrlAccess: true,
          // Base64 is encoded natively; quoted-printable is a JS loop and halved throughput.
          textEncoding: 'base64',
          signal: abort.signal,
        });
        return { code: replyCode(info.response) };
      } catch (error) {
        throw classify(error as NodemailerError, state.streamed);
      } finally {
        streams.delete(mail.messageId);
        aborts.delete(abort);
      }
    },
    async close() {
      closed = true;
      for (const abort of aborts) abort.abort();
      transporter.close();
    },
  };
}

/** Maps a nodemailer error to a `SendError`; exported for its tests. */
export function classify(error: NodemailerError, streamed: boolean): SendError {
  // A failed TLS upgrade (even one answered 5xx, e.g. no STARTTLS) says nothing about this
  // message: retried within the bound like any connection failure (SECURITY.md F8).
  if (error?.code === 'ETLS') return new SendError('transient', 'ETLS', undefined, error);
  const code = error?.responseCode;
  if (typeof code === 'number') {
    const permanent = typeof error.permanent === 'boolean' ? error.permanent : code >= 500;
    return new SendError(permanent ? 'permanent' : 'transient', String(code), code, error);
  }
  const detail = String(error?.originalCode ?? error?.code ?? 'error');
  if (['EAUTH', 'ENOAUTH', 'ECONFIG', 'EFILEACCESS', 'EURLACCESS'].includes(detail)) {
    return new SendError('permanent', detail, undefined, error);
  }
  const lost = detail === 'ECONNECTION' || detail === 'ECONNRESET' || detail === 'ETIMEDOUT';
  return new SendError(streamed && lost ? 'ambiguous' : 'transient', detail, undefined, error);
}

function replyCode(response: unknown): number | undefined {
  const match = typeof response === 'string' ? /^(\d{3})/.exec(response) : null;
  return match ? Number(match[1]) : undefined;
}

interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | undefined;
}

/** Parses `smtp://` / `smtps://` URLs strictly; query options are refused, not interpreted. */
export function parseSmtpUrl(value: string): SmtpTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MailError('invalid_config', 'mail.smtp is not a URL');
  }
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:') {
    throw new MailError('invalid_config', 'mail.smtp must start with smtp:// or smtps://');
  }
  if (url.search || url.hash || (url.pathname && url.pathname !== '/')) {
    throw new MailError('invalid_config', 'mail.smtp takes no path, query or fragment');
  }
  if (!url.hostname) throw new MailError('invalid_config', 'mail.smtp has no host');
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
  };
}
