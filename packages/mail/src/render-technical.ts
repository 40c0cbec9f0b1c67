import { cleanLine } from '@conduit-chat/protocol';
import { escapeHtml } from './escape-html.js';
import type { TechnicalData } from './jobs.js';
import { MAIL_LIMITS } from './limits.js';
import { type Block, field, formatTime, heading, nameHtml, urlText } from './render-parts.js';

type Custom = Record<string, string | number | boolean>;

/**
 * The visitor's technical data and custom fields as one section. The IP appears only when the
 * relay put it in the job, which it does only for sites that do not anonymise IPs.
 */
export function renderTechnical(tech: TechnicalData | undefined, custom?: Custom): Block[] {
  const blocks: Block[] = [];
  const customBlocks = renderCustom(custom);
  if (!tech && customBlocks.length === 0) return blocks;
  blocks.push(heading('Visitor details'));
  blocks.push(...customBlocks);
  if (!tech) return blocks;
  if (tech.ip !== undefined) blocks.push(field('IP address', tech.ip));
  const place = [tech.city, tech.country].filter((part) => part !== undefined && part !== '');
  blocks.push(field('Location', place.join(', ')));
  blocks.push(field('Browser', tech.browser));
  blocks.push(field('System', tech.os));
  blocks.push(field('Device', tech.device));
  blocks.push(field('Language', tech.lang));
  blocks.push(field('Time zone', tech.tz));
  if (tech.screen) blocks.push(field('Screen', `${tech.screen.w} × ${tech.screen.h}`));
  blocks.push(field('Referrer', urlText(tech.referrer), MAIL_LIMITS.urlChars));
  blocks.push(...renderPages(tech.pages));
  return blocks;
}

function renderCustom(custom: Custom | undefined): Block[] {
  if (!custom) return [];
  return Object.entries(custom)
    .slice(0, MAIL_LIMITS.customFields)
    .map(([key, value]) =>
      field(
        cleanLine(key, MAIL_LIMITS.customKeyChars) || 'field',
        String(value),
        MAIL_LIMITS.customValueChars,
      ),
    );
}

function renderPages(pages: TechnicalData['pages']): Block[] {
  if (pages.length === 0) return [];
  const kept = pages.slice(-MAIL_LIMITS.pages);
  let text = 'Pages viewed:\n';
  let html = `<p style="margin:8px 0 4px;color:#6b7280">Pages viewed:</p>\n<ul style="margin:0 0 8px;padding-left:20px">\n`;
  if (kept.length < pages.length) {
    const note = `${pages.length - kept.length} earlier pages not listed`;
    text += `  (${note})\n`;
    html += `<li>${escapeHtml(note)}</li>\n`;
  }
  for (const page of kept) {
    const title = cleanLine(page.title, MAIL_LIMITS.titleChars);
    const url = urlText(page.url);
    text += `  ${formatTime(page.at)}  ${title}${title && url ? ' - ' : ''}${url}\n`;
    html += `<li>${formatTime(page.at)} ${nameHtml(title)}${title && url ? '<br>' : ''}<span style="color:#6b7280;word-break:break-all">${escapeHtml(url)}</span></li>\n`;
  }
  html += '</ul>\n';
  return [{ text, html }];
}
