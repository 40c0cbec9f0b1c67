import { isStrictEmail, type MailAddress } from './email-address.js';
import { jobRef, messageIdFor } from './job-ref.js';
import type { MailJob } from './jobs.js';
import { renderOffline } from './render-offline.js';
import { renderTranscript, type TranscriptBudget } from './render-transcript.js';
import type { OutgoingMail } from './transport.js';

/**
 * Turns a validated job into the mail that leaves: recipients only from `job.to`, the visitor's
 * address only as Reply-To and only when the strict validator accepts it (B7, B8), every header
 * value cleaned of line breaks where it enters (B6), a deterministic Message-ID (F10).
 */
export function renderMail(
  job: MailJob,
  from: MailAddress,
  budget?: TranscriptBudget,
): OutgoingMail {
  const body = job.kind === 'transcript' ? renderTranscript(job, budget) : renderOffline(job);
  const visitorEmail = job.kind === 'transcript' ? job.visitor.email : job.email;
  const mail: OutgoingMail = {
    kind: job.kind,
    ref: jobRef(job.kind, job.id),
    siteId: job.site.id,
    from,
    to: [...job.to],
    subject: body.subject,
    text: body.text,
    html: body.html,
    messageId: messageIdFor(job.kind, job.id, from.address),
    bytes:
      Buffer.byteLength(body.subject) + Buffer.byteLength(body.text) + Buffer.byteLength(body.html),
  };
  if (isStrictEmail(visitorEmail)) mail.replyTo = visitorEmail;
  return mail;
}
