import { clamp, cleanLine, cleanText } from '@conduit-chat/protocol';
import { escapeHtml } from './escape-html.js';
import { MAIL_LIMITS } from './limits.js';

/** One piece of a mail, rendered twice: as plain text and as HTML. */
export interface Block {
  text: string;
  html: string;
}

/** A rendered mail body before headers: subject, plain text and HTML. */
export interface RenderedBody {
  subject: string;
  text: string;
  html: string;
}

const MUTED = 'color:#6b7280';

/** `HH:MM:SS` in UTC; '--:--:--' for a missing or impossible time. */
export function formatTime(at: number): string {
  const iso = isoOf(at);
  return iso ? iso.slice(11, 19) : '--:--:--';
}

/** `YYYY-MM-DD HH:MM:SS UTC`; 'unknown' for a missing or impossible time. */
export function formatDateTime(at: number): string {
  const iso = isoOf(at);
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : 'unknown';
}

function isoOf(at: number): string | undefined {
  if (!Number.isFinite(at)) return undefined;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A name as HTML: escaped and isolated for bidi, so an RLO cannot flip what follows (B19). */
export function nameHtml(name: string): string {
  return `<bdi>${escapeHtml(name)}</bdi>`;
}

/** Multi-line text as HTML: escaped, line breaks as `<br>` (no `pre-wrap`: Outlook ignores it). */
export function textHtml(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/** A `Label: value` line; the value is cleaned to one line and escaped. Empty values are left out. */
export function field(label: string, value: string, max: number = MAIL_LIMITS.shortChars): Block {
  const clean = cleanLine(value, max);
  if (!clean) return { text: '', html: '' };
  return {
    text: `${label}: ${clean}\n`,
    html: `<p style="margin:0 0 4px"><span style="${MUTED}">${escapeHtml(label)}:</span> ${nameHtml(clean)}</p>\n`,
  };
}

/** A section heading. */
export function heading(title: string): Block {
  return {
    text: `\n-- ${title} --\n`,
    html: `<h2 style="font-size:15px;margin:20px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px">${escapeHtml(title)}</h2>\n`,
  };
}

/** A visible notice (e.g. the truncation marker), never built from visitor input. */
export function notice(message: string): Block {
  return {
    text: `\n[${message}]\n`,
    html: `<p style="margin:12px 0;padding:8px 12px;background:#fef3c7;color:#92400e;border-radius:4px"><strong>${escapeHtml(message)}</strong></p>\n`,
  };
}

/** A block of free text written by a person (message, offline text). */
export function prose(text: string): Block {
  const clean = clamp(cleanText(text), MAIL_LIMITS.textChars);
  return {
    text: `${clean}\n`,
    html: `<div style="margin:8px 0;padding:8px 12px;background:#f9fafb;border-left:3px solid #9ca3af">${textHtml(clean)}</div>\n`,
  };
}

/**
 * A URL shown as text, never as a link: only `http(s)` URLs are shown; anything else (`file:`,
 * `data:`, `javascript:`) is replaced by a note, so nothing in the mail points anywhere (B23).
 */
export function urlText(value: string): string {
  const clean = cleanLine(value, MAIL_LIMITS.urlChars);
  if (!clean) return '';
  return /^https?:\/\//i.test(clean) ? clean : '(not an http(s) address; not shown)';
}

/** Joins blocks into a plain-text body and a complete, table-free HTML document. */
export function renderDocument(
  title: string,
  blocks: readonly Block[],
): { text: string; html: string } {
  let text = `${title}\n${'='.repeat(Math.min(title.length, 60))}\n`;
  let html = '';
  for (const block of blocks) {
    text += block.text;
    html += block.html;
  }
  const head = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>\n`;
  const body =
    '<body style="margin:0;padding:16px;background:#f3f4f6;font-family:-apple-system,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#111827">\n' +
    '<div style="max-width:640px;margin:0 auto;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:20px">\n' +
    `<h1 style="font-size:18px;margin:0 0 12px">${escapeHtml(title)}</h1>\n${html}` +
    `<p style="margin:20px 0 0;font-size:12px;${MUTED}">Sent by Conduit live chat. The chat server keeps no copy.</p>\n` +
    '</div>\n</body></html>\n';
  return { text, html: head + body };
}
