import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type WireError } from './errors.js';
import { operatorToRelay, relayToOperator, relayToVisitor, visitorToRelay } from './frames.js';
import { LIMITS } from './limits.js';
import { cleanText } from './sanitize.js';

const SCHEMAS = {
  'visitor->relay': visitorToRelay,
  'relay->visitor': relayToVisitor,
  'operator->relay': operatorToRelay,
  'relay->operator': relayToOperator,
} as const;

/** Which way a frame travels; picks the union it is parsed against. */
export type Direction = keyof typeof SCHEMAS;

/** The frame type parsed for a direction. */
export type FrameFor<D extends Direction> = z.output<(typeof SCHEMAS)[D]>;

/** Result of `parseFrame`: never an exception. */
export type ParseResult<D extends Direction> =
  | { ok: true; frame: FrameFor<D> }
  | { ok: false; error: WireError };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

const fail = (code: ErrorCode, message: string = ERROR_CODES[code]) =>
  ({ ok: false, error: { code, message } }) as const;

/**
 * Parses one inbound frame for `direction` and validates it against the protocol. Rejects
 * oversized input before decoding, invalid UTF-8, non-JSON, nesting deeper than
 * `LIMITS.jsonDepth`, `__proto__`/`constructor`/`prototype` keys, unknown `t` and invalid
 * fields. Never throws.
 * @example
 * const r = parseFrame('visitor->relay', '{"t":"ping"}');
 * if (r.ok) r.frame.t; // 'ping'
 */
export function parseFrame<D extends Direction>(
  direction: D,
  raw: string | ArrayBuffer | Uint8Array,
  maxBytes: number = LIMITS.frameBytes,
): ParseResult<D> {
  try {
    const textOrError = toText(raw, maxBytes);
    if (typeof textOrError !== 'string') return textOrError;
    if (direction === 'visitor->relay') {
      const scanned = scanVisitorMsg(textOrError);
      if (scanned !== undefined) return { ok: true, frame: scanned as FrameFor<D> };
    }
    if (!withinDepth(textOrError, LIMITS.jsonDepth)) return fail('too_deep');
    let value: unknown;
    try {
      value = JSON.parse(textOrError);
    } catch {
      return fail('bad_json');
    }
    if (hasForbiddenKey(value)) return fail('forbidden_key');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('not_object');
    }
    const t = (value as { t?: unknown }).t;
    if (typeof t !== 'string') return fail('not_object');
    if (t === 'msg') {
      const fast = fastMsgFrame(direction, value as Record<string, unknown>);
      if (fast !== undefined) return { ok: true, frame: fast as FrameFor<D> };
    }
    const schema = SCHEMAS[direction];
    const result = schema.safeParse(value);
    if (result.success) return { ok: true, frame: result.data as FrameFor<D> };
    const issue = result.error.issues[0];
    if (issue?.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 't') {
      return fail('unknown_type');
    }
    return fail('invalid_frame', describe(result.error));
  } catch {
    // Defensive: nothing above should throw, but a frame must never take the server down.
    return fail('invalid_frame');
  }
}

// Same pattern as `clientId` and `token` in fields.ts.
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

const isId = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max && ID_PATTERN.test(value);

/**
 * The hot path of the relay: a visitor `msg` `{t, id, text}` or an operator `msg`
 * `{t, session, id, text}` with exactly these keys and valid values, returned cleaned exactly
 * as the zod schema would return it. `undefined` for anything else (extra keys included), which
 * then goes through zod, so every error and every stripped-key result stays zod's. `value` must
 * be a `JSON.parse` result already checked for forbidden keys. Exported for the equivalence test.
 */
export function fastMsgFrame(direction: Direction, value: Record<string, unknown>) {
  if (value.t !== 'msg') return undefined;
  const operator = direction === 'operator->relay';
  if (!operator && direction !== 'visitor->relay') return undefined;
  let keys = 0;
  for (const key in value) if (Object.hasOwn(value, key)) keys++;
  if (keys !== (operator ? 4 : 3)) return undefined;
  const { id, text } = value;
  if (!isId(id, LIMITS.idChars) || typeof text !== 'string' || text.length > LIMITS.textChars) {
    return undefined;
  }
  const session = value.session;
  if (operator && !isId(session, LIMITS.tokenChars)) return undefined;
  const cleaned = cleanText(text);
  if (cleaned.length === 0) return undefined;
  return operator
    ? { t: 'msg' as const, session: session as string, id, text: cleaned }
    : { t: 'msg' as const, id, text: cleaned };
}

const MSG_HEAD = '{"t":"msg","id":"';
const MSG_TEXT = '","text":"';
// What a JSON string may not hold literally: its quote, its escape character and controls.
const NOT_LITERAL = /["\\\u0000-\u001f]/;

/**
 * The hottest path: a visitor `msg` exactly as the widget's `JSON.stringify` writes it,
 * `{"t":"msg","id":"…","text":"…"}`, whose text has no escapes. Read by slicing, without
 * `JSON.parse`: such a text is its own JSON value, and the frame can hold no nesting and no
 * other key. Then the same checks and cleaning as `fastMsgFrame`. Anything else (spaces,
 * another key order, an escape, extra keys, trailing bytes) returns `undefined` and takes the
 * general path, so results and errors stay the same. Exported for the equivalence test.
 */
export function scanVisitorMsg(raw: string) {
  if (!raw.startsWith(MSG_HEAD) || !raw.endsWith('"}')) return undefined;
  const idEnd = raw.indexOf('"', MSG_HEAD.length);
  if (idEnd < 0 || !raw.startsWith(MSG_TEXT, idEnd)) return undefined;
  const text = raw.slice(idEnd + MSG_TEXT.length, raw.length - 2);
  if (NOT_LITERAL.test(text)) return undefined;
  const id = raw.slice(MSG_HEAD.length, idEnd);
  if (!isId(id, LIMITS.idChars) || text.length > LIMITS.textChars) return undefined;
  const cleaned = cleanText(text);
  if (cleaned.length === 0) return undefined;
  return { t: 'msg' as const, id, text: cleaned };
}

function toText(raw: string | ArrayBuffer | Uint8Array, maxBytes: number) {
  if (typeof raw === 'string') {
    // Code units ≤ UTF-8 bytes ≤ 3 × code units: only measure exactly when it could matter.
    if (raw.length > maxBytes) return fail('too_large');
    if (raw.length * 3 > maxBytes && encoder.encode(raw).byteLength > maxBytes) {
      return fail('too_large');
    }
    return raw;
  }
  if (raw.byteLength > maxBytes) return fail('too_large');
  try {
    return decoder.decode(raw);
  } catch {
    return fail('bad_json', 'Frame is not valid UTF-8.');
  }
}

/** Checks bracket nesting without parsing, skipping brackets inside strings. */
export function withinDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return true;
}

function hasForbiddenKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return true;
    if (hasForbiddenKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** `path: message` of the first few issues, without echoing any input value. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(frame)'}: ${i.message}`)
    .join('; ')
    .slice(0, 200);
}
