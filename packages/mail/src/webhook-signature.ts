import { createHmac, timingSafeEqual } from 'node:crypto';

// `Conduit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. The time
// is signed with the body, so a captured request cannot be replayed outside the window.

/** The signature header's name. */
export const WEBHOOK_SIGNATURE_HEADER = 'Conduit-Signature';

/** Default replay window of `verifyWebhookSignature`, in seconds either side of now. */
export const DEFAULT_WEBHOOK_TOLERANCE_SEC = 300;

/** The header value for `body` signed at `t` (unix seconds). */
export function signWebhook(body: string | Uint8Array, secret: string, t: number): string {
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

function hmacHex(secret: string, t: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/** Options of `verifyWebhookSignature`. */
export interface VerifyWebhookOptions {
  /** Largest accepted distance between `t` and now, in seconds (default 300). */
  toleranceSec?: number;
  /** Now in unix seconds (default: the wall clock); for tests. */
  now?: number;
}

/**
 * Whether `header` (the `Conduit-Signature` value) signs `body` (the raw request bytes, not a
 * re-serialised object) with `secret` within the replay window. Compares in constant time; any
 * `v1=` may match, so a receiver can roll its secret.
 * @example
 * const ok = verifyWebhookSignature(rawBody, req.headers['conduit-signature'], secret);
 * if (!ok) return res.writeHead(401).end();
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  header: string | string[] | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): boolean {
  if (typeof header !== 'string' || header.length > 1024 || secret.length === 0) return false;
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (t === undefined || candidates.length === 0) return false;
  const tolerance = options.toleranceSec ?? DEFAULT_WEBHOOK_TOLERANCE_SEC;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > tolerance) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  let valid = false;
  // Every candidate is compared, so the time taken does not tell which one matched.
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) valid = true;
  }
  return valid;
}
