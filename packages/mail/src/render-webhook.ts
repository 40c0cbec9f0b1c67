import { jobRef } from './job-ref.js';
import { MAIL_LIMITS } from './limits.js';
import type { OutgoingWebhook } from './transport.js';
import { WEBHOOK_EVENTS, type WebhookJob } from './webhook-jobs.js';

// Jobs come from the relay, typed; the target and the size are checked again here because the
// dispatcher is the last step before the network. A problem names a field, never its value.

/**
 * Checks a webhook job's event, id and target; returns undefined when it may be sent, else a
 * content-free description of the first problem.
 */
export function validateWebhookJob(job: WebhookJob): string | undefined {
  if (typeof job !== 'object' || job === null || job.kind !== 'webhook') return 'kind is not known';
  if (!(WEBHOOK_EVENTS as readonly string[]).includes(job.event)) return 'event is not known';
  if (typeof job.id !== 'string' || job.id.length === 0 || job.id.length > MAIL_LIMITS.idChars) {
    return 'id is missing or too long';
  }
  if (typeof job.site?.id !== 'string' || typeof job.site.name !== 'string') {
    return 'site is invalid';
  }
  const target = job.target;
  if (typeof target?.secret !== 'string' || target.secret.length === 0) return 'secret is missing';
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return 'url is invalid';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url is not http(s)';
  if (url.username || url.password) return 'url carries credentials';
  if (typeof job.data !== 'object' || job.data === null) return 'data is invalid';
  return undefined;
}

/**
 * Renders a job's JSON body, at most `maxBytes` long: a transcript too long for it loses its
 * oldest lines (counted in `truncated`, as the mail marks a cut); anything else too long throws.
 */
export function renderWebhook(job: WebhookJob, maxBytes: number): OutgoingWebhook {
  const envelope = { id: job.id, event: job.event, site: { id: job.site.id, name: job.site.name } };
  let body = JSON.stringify({ ...envelope, data: job.data });
  let bytes = Buffer.byteLength(body);
  if (bytes > maxBytes && job.event === 'chat.ended') {
    const messages = job.data.messages;
    // Each line costs its JSON and a comma; cut from the start until the rest fits.
    let over = bytes - maxBytes;
    let cut = 0;
    while (over > 0 && cut < messages.length) {
      over -= Buffer.byteLength(JSON.stringify(messages[cut])) + 1;
      cut++;
    }
    const data = {
      ...job.data,
      messages: messages.slice(cut),
      truncated: job.data.truncated + cut,
    };
    body = JSON.stringify({ ...envelope, data });
    bytes = Buffer.byteLength(body);
  }
  if (bytes > maxBytes) throw new RangeError('webhook body over the size bound');
  return {
    kind: 'webhook',
    ref: jobRef(`webhook:${job.event}`, job.id),
    siteId: job.site.id,
    event: job.event,
    url: job.target.url,
    secret: job.target.secret,
    allowPrivate: job.target.allowPrivate === true,
    body,
    bytes,
  };
}
