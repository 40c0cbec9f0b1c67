import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import { type ClientRequest, request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { SendError } from './errors.js';
import { isPublicAddress } from './public-address.js';
import type { OutgoingWebhook, SendReceipt, WebhookTransport } from './transport.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

/** Options of `webhookTransport`; every field has a default. */
export interface WebhookTransportOptions {
  /** Time for one attempt, from connecting to the reply's status line (default 10 000). */
  timeoutMs?: number;
  /** Now in unix seconds, the signature's `t` (default: the wall clock). */
  now?: () => number;
  /**
   * Which resolved or literal addresses a target without `allowPrivate` may reach (default:
   * `isPublicAddress`). Tests narrow it to one loopback address to exercise the checked path.
   */
  allowAddress?: (address: string) => boolean;
  /** Extra trusted certificates for `https:` targets (a private CA); certificates are always verified. */
  ca?: string | Buffer;
}

/** Defaults of `webhookTransport`. */
export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000 } as const;

// A refusal from the address check, told apart from DNS and socket errors by its code.
const NOT_PUBLIC = 'ENOTPUBLIC';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request` that resolves like `dns.lookup`, then refuses the whole name if
 * any address is not allowed. The socket connects to an address handed over here, so a second,
 * different answer to the same name (DNS rebinding) never reaches it.
 */
function checkedLookup(allow: (address: string) => boolean) {
  return (hostname: string, options: LookupOneOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0 || !addresses.every((a) => allow(a.address))) {
        return callback(Object.assign(new Error('address not allowed'), { code: NOT_PUBLIC }), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * Sends signed webhooks over `node:http(s)`: one POST per attempt, no agent reuse, no redirects
 * followed (a 3xx is a permanent failure), the reply body never read, the whole attempt bounded
 * by `timeoutMs`, private addresses refused unless the target allows them. Failures are
 * classified like mail's: 4xx and refused addresses permanent, 5xx and network errors transient,
 * a connection lost after the body was sent ambiguous (the receiver may have it).
 * @example const transport = webhookTransport({ timeoutMs: 5000 });
 */
export function webhookTransport(options: WebhookTransportOptions = {}): WebhookTransport {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const allow = options.allowAddress ?? isPublicAddress;
  const lookup = checkedLookup(allow) as RequestOptions['lookup'];
  const inFlight = new Set<ClientRequest>();
  let closed = false;

  function send(hook: OutgoingWebhook): Promise<SendReceipt> {
    if (closed) return Promise.reject(new SendError('transient', 'closed'));
    let url: URL;
    try {
      url = new URL(hook.url);
    } catch {
      return Promise.reject(new SendError('permanent', 'invalid_url'));
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!hook.allowPrivate && isIP(host) !== 0 && !allow(host)) {
      return Promise.reject(new SendError('permanent', 'private_address'));
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const requestOptions: RequestOptions = {
      method: 'POST',
      protocol: url.protocol,
      hostname: host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      agent: false,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      headers: {
        'content-type': 'application/json',
        'content-length': String(hook.bytes),
        'user-agent': 'Conduit-Webhook/1',
        'conduit-event': hook.event,
        [WEBHOOK_SIGNATURE_HEADER.toLowerCase()]: signWebhook(hook.body, hook.secret, now()),
      },
      ...(hook.allowPrivate ? {} : { lookup }),
    };
    return new Promise<SendReceipt>((resolve, reject) => {
      let settled = false;
      let bodySent = false;
      const req = request(requestOptions);
      inFlight.add(req);
      const timer = setTimeout(
        () => fail(new SendError(bodySent ? 'ambiguous' : 'transient', 'ETIMEDOUT')),
        timeoutMs,
      );
      function done(): void {
        settled = true;
        clearTimeout(timer);
        inFlight.delete(req);
        req.destroy();
      }
      function fail(error: SendError): void {
        if (settled) return;
        done();
        reject(error);
      }
      req.on('finish', () => {
        bodySent = true;
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // Only the status matters: the reply body is never read, whatever its size.
        res.destroy();
        if (settled) return;
        if (status >= 200 && status < 300) {
          done();
          resolve({ code: status });
        } else if (status >= 500) fail(new SendError('transient', `http_${status}`));
        else fail(new SendError('permanent', `http_${status}`));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === NOT_PUBLIC) fail(new SendError('permanent', 'private_address'));
        else fail(new SendError(bodySent ? 'ambiguous' : 'transient', error.code ?? 'network'));
      });
      req.end(hook.body);
    });
  }

  async function close(): Promise<void> {
    closed = true;
    for (const req of inFlight) req.destroy(new Error('transport closed'));
  }

  return { name: 'webhook', send, close };
}
