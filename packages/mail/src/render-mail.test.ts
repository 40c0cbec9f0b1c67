import { describe, expect, it } from 'vitest';
import { renderMail } from './render-mail.js';
import { sampleOffline, sampleTranscript } from './test-jobs.js';

const from = { name: 'Conduit', address: 'chat@acme.example' };

describe('renderMail', () => {
  it('takes recipients from the job and the visitor address only as Reply-To', () => {
    const mail = renderMail(sampleOffline(), from);
    expect(mail.to).toEqual(['sales@acme.example', 'owner@acme.example']);
    expect(mail.replyTo).toBe('ada@visitor.example');
    expect(mail.from).toBe(from);
  });

  it('B7: leaves Reply-To out when the visitor address fails the strict validator', () => {
    for (const email of ['"x@evil y"@site.example', 'a@b(c)@evil.example', 'g: a@evil.example;']) {
      expect(renderMail(sampleOffline({ email }), from).replyTo).toBeUndefined();
    }
    const transcript = sampleTranscript({ visitor: { name: 'Ada' } });
    expect(renderMail(transcript, from).replyTo).toBeUndefined();
  });

  it('F10: derives the same Message-ID for the same job, a different one for another', () => {
    const a = renderMail(sampleTranscript(), from);
    const b = renderMail(sampleTranscript(), from);
    const c = renderMail(sampleTranscript({ id: 'other' }), from);
    expect(a.messageId).toBe(b.messageId);
    expect(a.messageId).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
    expect(c.messageId).not.toBe(a.messageId);
    expect(renderMail(sampleOffline({ id: sampleTranscript().id }), from).messageId).not.toBe(
      a.messageId,
    );
  });

  it('gives a short reference that does not contain the job id', () => {
    const mail = renderMail(sampleTranscript(), from);
    expect(mail.ref).toMatch(/^[0-9a-f]{12}$/);
    expect(mail.bytes).toBe(
      Buffer.byteLength(mail.subject) + Buffer.byteLength(mail.text) + Buffer.byteLength(mail.html),
    );
  });
});
