import { describe, expect, it } from 'vitest';
import { ackText, visitorMsgText } from './frame-text.js';
import { parseFrame } from './parse-frame.js';

describe('frame text', () => {
  it('writes the ack as JSON.stringify would', () => {
    expect(ackText({ id: 'a-B_9', seq: 42 })).toBe(
      JSON.stringify({ t: 'ack', id: 'a-B_9', seq: 42 }),
    );
  });

  it('writes a visitor msg for operators as JSON.stringify would, escapes included, and it parses', () => {
    const text = 'He said "hi"\\ and left\n\t\u0001 \u2028 👋 </script>';
    const frame = { session: 'S1abc_-', seq: 7, id: 'm_1', text, at: 1_700_000_000_123 };
    const bytes = visitorMsgText(frame);
    expect(bytes).toBe(
      JSON.stringify({
        t: 'msg',
        session: frame.session,
        seq: 7,
        id: 'm_1',
        from: 'visitor',
        text,
        at: frame.at,
      }),
    );
    expect(parseFrame('relay->operator', bytes).ok).toBe(true);
  });
});
