import type { RelayToVisitor } from '@conduit-chat/protocol';

// The relay validates what it sends, but the widget still refuses to act on a frame whose
// fields it relies on are missing or of the wrong type. (zod stays out of the bundle: the
// checks are the few the UI needs, not the schema.)
const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const CHECKS: Record<string, (f: Record<string, unknown>) => boolean> = {
  welcome: (f) => str(f.token) && Array.isArray(f.operators) && typeof f.widget === 'object',
  msg: (f) => num(f.seq) && str(f.id) && str(f.text) && num(f.at) && str(f.from),
  ack: (f) => str(f.id) && num(f.seq),
  typing: (f) => typeof f.on === 'boolean',
  status: (f) => typeof f.online === 'boolean' && Array.isArray(f.operators),
  invite: (f) => str(f.text) && str(f.name),
  queued: (f) => str(f.id),
  ended: (f) => str(f.reason),
  error: (f) => str(f.code),
  pong: () => true,
};

/** Parses one relay → visitor frame; returns null for anything the widget cannot use. */
export function readFrame(raw: string): RelayToVisitor | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  const check = str(frame.t) && Object.hasOwn(CHECKS, frame.t) ? CHECKS[frame.t] : undefined;
  return check?.(frame) ? (frame as unknown as RelayToVisitor) : null;
}
