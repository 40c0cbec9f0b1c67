import type { RelayToVisitor } from '@conduit-chat/protocol';

/**
 * Parses one relay → visitor frame; null for anything that is not an object with a string
 * `t`, or a `msg`/`ack` without the fields the widget relies on. (The relay validates what it
 * sends; zod stays out of the bundle, so these are the few checks the UI needs.)
 */
export function readFrame(raw: string): RelayToVisitor | null {
  try {
    const f = JSON.parse(raw);
    const ok =
      typeof f?.t === 'string' &&
      (f.t !== 'msg' || typeof f.text === 'string') &&
      (!/^(msg|ack)$/.test(f.t) || (typeof f.seq === 'number' && typeof f.id === 'string'));
    return ok ? f : null;
  } catch {
    return null;
  }
}
