import { clamp, cleanLine, cleanText } from '@conduit-chat/protocol';
import type { TranscriptJob, TranscriptMessage } from './jobs.js';
import { MAIL_LIMITS } from './limits.js';
import {
  type Block,
  field,
  formatDateTime,
  formatTime,
  heading,
  nameHtml,
  notice,
  type RenderedBody,
  renderDocument,
  textHtml,
} from './render-parts.js';
import { renderTechnical } from './render-technical.js';

/** Budgets of one transcript mail; the defaults come from `MAIL_LIMITS`. */
export interface TranscriptBudget {
  maxMessages: number;
  maxBodyBytes: number;
}

const DEFAULT_BUDGET: TranscriptBudget = {
  maxMessages: MAIL_LIMITS.maxMessages,
  maxBodyBytes: MAIL_LIMITS.maxBodyBytes,
};

// Room kept for the headers, the technical section and the marker when cutting lines.
const FRAME_RESERVE_BYTES = 64 * 1024;

/** Subject, plain text and HTML of a finished chat, newest lines kept within the budget (B24). */
export function renderTranscript(job: TranscriptJob, budget = DEFAULT_BUDGET): RenderedBody {
  const site = cleanLine(job.site.name, MAIL_LIMITS.nameChars) || 'your site';
  const visitor = cleanLine(job.visitor.name ?? '', MAIL_LIMITS.nameChars);
  const subject = cleanLine(
    `Chat transcript: ${visitor || 'visitor'} on ${site}, ${formatDateTime(job.startedAt).slice(0, 10)}`,
    MAIL_LIMITS.subjectChars,
  );

  const head: Block[] = [
    field('Visitor', visitor || '(no name given)', MAIL_LIMITS.nameChars),
    field('E-mail', job.visitor.email ?? '', MAIL_LIMITS.emailChars),
    field('Started', formatDateTime(job.startedAt)),
    field('Ended', `${formatDateTime(job.endedAt)} (${endReasonText(job.endReason)})`),
    field(
      'Operators',
      job.operators.map((name) => cleanLine(name, MAIL_LIMITS.nameChars)).join(', ') || 'none',
      MAIL_LIMITS.nameChars * 10,
    ),
    heading('Conversation'),
  ];

  // Newest lines first until a budget is hit; the relay already cut `job.truncated` older ones.
  const lines: Block[] = [];
  let bytes = 0;
  const bodyBudget = Math.max(0, budget.maxBodyBytes - FRAME_RESERVE_BYTES);
  for (let i = job.messages.length - 1; i >= 0 && lines.length < budget.maxMessages; i--) {
    const line = renderLine(job.messages[i]!, visitor);
    const size = Buffer.byteLength(line.text) + Buffer.byteLength(line.html);
    if (bytes + size > bodyBudget) break;
    bytes += size;
    lines.push(line);
  }
  lines.reverse();
  const cut = job.truncated + (job.messages.length - lines.length);

  const blocks: Block[] = [...head];
  if (cut > 0) blocks.push(notice(`transcript truncated: ${cut} earlier messages not kept`));
  if (lines.length === 0 && cut === 0) blocks.push(notice('no messages'));
  blocks.push(...lines);
  blocks.push(...renderTechnical(job.tech, job.visitor.custom));
  return { subject, ...renderDocument(`Chat transcript - ${site}`, blocks) };
}

function renderLine(message: TranscriptMessage, visitorName: string): Block {
  const time = formatTime(message.at);
  const text = clamp(cleanText(message.text), MAIL_LIMITS.textChars);
  if (message.from === 'system') {
    return {
      text: `${time}  * ${text.replace(/\n/g, ' ')}\n`,
      html: `<p style="margin:8px 0;color:#6b7280;font-style:italic">${time} · ${textHtml(text)}</p>\n`,
    };
  }
  const fallback = message.from === 'visitor' ? visitorName || 'Visitor' : 'Operator';
  const name = cleanLine(message.name ?? '', MAIL_LIMITS.nameChars) || fallback;
  // The role is always printed beside the name: a visitor named "Operator" still reads as a visitor.
  const role = message.from === 'visitor' ? 'visitor' : 'operator';
  const colour = message.from === 'visitor' ? '#9ca3af' : '#2563eb';
  return {
    text: `${time}  ${name} (${role}):\n${indent(text)}\n`,
    html:
      `<div style="margin:10px 0;padding:6px 12px;border-left:3px solid ${colour}">` +
      `<div style="font-size:12px;color:#6b7280"><strong style="color:#111827">${nameHtml(name)}</strong> · ${role} · ${time}</div>` +
      `<div>${textHtml(text)}</div></div>\n`,
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

const END_REASONS: Record<string, string> = {
  visitor: 'the visitor ended the chat',
  operator: 'an operator closed the chat',
  expired: 'the visitor left',
  shutdown: 'the chat server shut down',
};

function endReasonText(reason: string): string {
  return END_REASONS[reason] ?? cleanLine(reason, 40);
}
