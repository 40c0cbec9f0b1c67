import { describe, expect, it } from 'vitest';
import { logTransport } from './log-transport.js';
import { renderMail } from './render-mail.js';
import { sampleTranscript } from './test-jobs.js';
import { type Observation, transportContract } from './test-transport-contract.js';

const from = { name: 'Conduit', address: 'chat@acme.example' };

transportContract('log', async () => {
  const lines: string[] = [];
  const transport = logTransport({ dev: false, write: (chunk) => lines.push(chunk) });
  return {
    transport,
    async observed(): Promise<Observation[]> {
      return lines.map((line) => {
        const entry = JSON.parse(line) as { recipients: number };
        return { recipients: entry.recipients, attachments: 0 };
      });
    },
    cleanup: () => transport.close(),
  };
});

describe('logTransport', () => {
  it('writes one content-free line per mail', async () => {
    const chunks: string[] = [];
    const transport = logTransport({ dev: false, write: (chunk) => chunks.push(chunk) });
    const mail = renderMail(sampleTranscript(), from);
    await transport.send(mail);
    expect(chunks).toHaveLength(1);
    const line = chunks[0]!;
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({
      msg: 'mail (log transport)',
      kind: 'transcript',
      ref: mail.ref,
      site: 'acme',
      recipients: 1,
      bytes: mail.bytes,
    });
    for (const secret of ['Ada', 'ada@visitor', 'pro plan', '203.0.113.7', 'support@acme']) {
      expect(line).not.toContain(secret);
    }
  });

  it('prints the rendered mail only in dev mode', async () => {
    const chunks: string[] = [];
    const transport = logTransport({ dev: true, write: (chunk) => chunks.push(chunk) });
    await transport.send(renderMail(sampleTranscript(), from));
    const out = chunks.join('');
    expect(out).toContain('Subject: Chat transcript: Ada on Acme, 2026-11-29');
    expect(out).toContain('To: support@acme.example');
    expect(out).toContain('Reply-To: ada@visitor.example');
    expect(out).toContain('Hello, is the pro plan yearly?');
  });
});
