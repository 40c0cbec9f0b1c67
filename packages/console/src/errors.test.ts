import { describe, expect, it } from 'vitest';
import { CONSOLE_ERROR_CODE_LIST, ConsoleError } from './errors.js';

describe('errors', () => {
  it('pins the list of console error codes', () => {
    expect(CONSOLE_ERROR_CODE_LIST).toEqual([
      'bad_state',
      'outbox_full',
      'empty_text',
      'text_too_long',
      'no_websocket',
    ]);
  });

  it('carries the code, a default message and the cause', () => {
    const cause = new Error('inner');
    const e = new ConsoleError('outbox_full', undefined, { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('outbox_full');
    expect(e.message).toMatch(/waiting/);
    expect(e.cause).toBe(cause);
  });
});
