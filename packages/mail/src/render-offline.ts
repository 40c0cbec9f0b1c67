import { cleanLine } from '@conduit-chat/protocol';
import type { OfflineJob } from './jobs.js';
import { MAIL_LIMITS } from './limits.js';
import {
  type Block,
  field,
  formatDateTime,
  heading,
  prose,
  type RenderedBody,
  renderDocument,
  urlText,
} from './render-parts.js';
import { renderTechnical } from './render-technical.js';

/** Subject, plain text and HTML of a message left while no operator was online. */
export function renderOffline(job: OfflineJob): RenderedBody {
  const site = cleanLine(job.site.name, MAIL_LIMITS.nameChars) || 'your site';
  const name = cleanLine(job.name, MAIL_LIMITS.nameChars);
  const subject = cleanLine(
    `Offline message from ${name || 'a visitor'} on ${site}`,
    MAIL_LIMITS.subjectChars,
  );
  const blocks: Block[] = [
    field('From', name || '(no name given)', MAIL_LIMITS.nameChars),
    field('E-mail', job.email, MAIL_LIMITS.emailChars),
    field('Received', formatDateTime(job.at)),
  ];
  if (job.page) {
    blocks.push(field('Page', job.page.title, MAIL_LIMITS.titleChars));
    blocks.push(field('Address', urlText(job.page.url), MAIL_LIMITS.urlChars));
  }
  blocks.push(heading('Message'), prose(job.text));
  blocks.push(...renderTechnical(job.tech));
  return { subject, ...renderDocument(`Offline message - ${site}`, blocks) };
}
