import { describe, expect, it } from 'vitest';
import { MAIL_ERROR_CODE_LIST, MailError, SendError } from './errors.js';

// The codes are a contract with log pipelines and the relay: changing one must be on purpose.
describe('mail errors', () => {
  it('pins the error-code table', () => {
    expect(MAIL_ERROR_CODE_LIST).toEqual([
      'invalid_config',
      'send_permanent',
      'send_transient',
      'send_ambiguous',
    ]);
  });

  it('carries code and cause', () => {
    const cause = new Error('inner');
    const error = new MailError('invalid_config', 'bad from', cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('invalid_config');
    expect(error.cause).toBe(cause);
  });

  it('maps a failure kind to its send code', () => {
    const error = new SendError('transient', '451', 451);
    expect(error.code).toBe('send_transient');
    expect(error.smtpCode).toBe(451);
    expect(error.message).toContain('(451)');
  });
});
