import { describe, expect, it } from 'vitest';
import { createMailTransport } from './create-mail-transport.js';
import { MailError } from './errors.js';

describe('createMailTransport', () => {
  it("builds the log transport for { transport: 'log' }", async () => {
    const transport = createMailTransport({ transport: 'log' }, { dev: false, write: () => {} });
    expect(transport.name).toBe('log');
    await transport.close();
  });

  it('builds the SMTP transport for the relay config { transport, from, smtp }', async () => {
    const config = {
      transport: 'smtp',
      from: 'Chat <chat@acme.example>',
      smtp: 'smtp://127.0.0.1:2525',
    } as const;
    const transport = createMailTransport(config, { dev: false });
    expect(transport.name).toBe('smtp');
    await transport.close();
  });

  it('refuses a config that is neither', () => {
    expect(() => createMailTransport({} as never, { dev: false })).toThrow(MailError);
    expect(() => createMailTransport({ smtp: 'ftp://x' }, { dev: false })).toThrow(/smtp/);
  });
});
