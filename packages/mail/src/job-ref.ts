import { createHash } from 'node:crypto';

/**
 * A short, non-reversible reference to a job for log lines: 12 hex characters of
 * SHA-256(kind:id). Lines about one job can be correlated; the session id cannot be read back.
 */
export function jobRef(kind: string, id: string): string {
  return createHash('sha256').update(`conduit-mail-ref:${kind}:${id}`).digest('hex').slice(0, 12);
}

/**
 * The Message-ID of a job: the same for every attempt, so a receiving system (or a person)
 * can recognise a resend as a duplicate (F10). `<32 hex@from-domain>`, per RFC 5322 3.6.4.
 */
export function messageIdFor(kind: string, id: string, fromAddress: string): string {
  const digest = createHash('sha256').update(`conduit-mail-id:${kind}:${id}`).digest('hex');
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
  return `<${digest.slice(0, 32)}@${domain}>`;
}
