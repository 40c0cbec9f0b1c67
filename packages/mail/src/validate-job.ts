import { isStrictEmail } from './email-address.js';
import type { TechnicalData, TranscriptMessage } from './jobs.js';
import { MAIL_LIMITS } from './limits.js';

// Jobs come from the relay, typed; they are checked again here because the dispatcher is the
// last step before SMTP and must not render or send a malformed one. The returned problem
// names a field, never its value (it may be logged).

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isTime: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId: Check = (value) =>
  typeof value === 'string' && value.length > 0 && value.length <= MAIL_LIMITS.idChars;

/**
 * Checks a job's shape and recipients; returns undefined when it may be sent, else a
 * content-free description of the first problem (e.g. `to[1] is not a valid address`).
 */
export function validateJob(job: unknown, maxRecipients: number = MAIL_LIMITS.maxRecipients) {
  if (!isRecord(job)) return 'job is not an object';
  if (job.kind !== 'transcript' && job.kind !== 'offline') return 'kind is not known';
  if (!isId(job.id)) return 'id is missing or too long';
  if (!isRecord(job.site) || !isId(job.site.id) || !isString(job.site.name)) {
    return 'site is invalid';
  }
  const to = job.to;
  if (!Array.isArray(to) || to.length === 0) return 'to has no recipients';
  if (to.length > maxRecipients) return `to has more than ${maxRecipients} recipients`;
  for (const [index, address] of to.entries()) {
    if (!isStrictEmail(address)) return `to[${index}] is not a valid address`;
  }
  return job.kind === 'transcript' ? checkTranscript(job) : checkOffline(job);
}

function checkTranscript(job: Record<string, unknown>): string | undefined {
  const visitor = job.visitor;
  if (!isRecord(visitor)) return 'visitor is invalid';
  if (visitor.name !== undefined && !isString(visitor.name)) return 'visitor.name is invalid';
  if (visitor.email !== undefined && !isString(visitor.email)) return 'visitor.email is invalid';
  if (visitor.custom !== undefined && !isCustom(visitor.custom)) return 'visitor.custom is invalid';
  if (!isTech(job.tech)) return 'tech is invalid';
  if (!Array.isArray(job.messages) || !job.messages.every(isMessage)) return 'messages are invalid';
  if (typeof job.truncated !== 'number' || !(job.truncated >= 0)) return 'truncated is invalid';
  if (!Array.isArray(job.operators) || !job.operators.every(isString)) return 'operators invalid';
  if (!isTime(job.startedAt) || !isTime(job.endedAt)) return 'startedAt/endedAt are invalid';
  if (!isString(job.endReason)) return 'endReason is invalid';
  return undefined;
}

function checkOffline(job: Record<string, unknown>): string | undefined {
  if (!isString(job.name)) return 'name is invalid';
  if (!isString(job.email)) return 'email is invalid';
  if (!isString(job.text)) return 'text is invalid';
  if (job.page !== undefined) {
    if (!isRecord(job.page) || !isString(job.page.url) || !isString(job.page.title)) {
      return 'page is invalid';
    }
  }
  if (job.tech !== undefined && !isTech(job.tech)) return 'tech is invalid';
  if (!isTime(job.at)) return 'at is invalid';
  return undefined;
}

function isMessage(value: unknown): value is TranscriptMessage {
  if (!isRecord(value)) return false;
  const fromOk = value.from === 'visitor' || value.from === 'operator' || value.from === 'system';
  return (
    fromOk &&
    isString(value.text) &&
    isTime(value.at) &&
    (value.name === undefined || isString(value.name))
  );
}

function isCustom(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return Object.values(value).every(
    (item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean',
  );
}

function isTech(value: unknown): value is TechnicalData {
  if (!isRecord(value)) return false;
  const strings = ['browser', 'os', 'device', 'lang', 'tz', 'referrer'] as const;
  if (!strings.every((key) => isString(value[key]))) return false;
  const optional = ['ip', 'country', 'city'] as const;
  if (!optional.every((key) => value[key] === undefined || isString(value[key]))) return false;
  const screen = value.screen;
  if (screen !== undefined && !(isRecord(screen) && isTime(screen.w) && isTime(screen.h))) {
    return false;
  }
  const pages = value.pages;
  return (
    Array.isArray(pages) &&
    pages.every(
      (page) => isRecord(page) && isString(page.url) && isString(page.title) && isTime(page.at),
    )
  );
}
