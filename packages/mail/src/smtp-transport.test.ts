import { describe, expect, it } from 'vitest';
import { SendError } from './errors.js';
import { renderMail } from './render-mail.js';
import { classify, parseSmtpUrl, smtpTransport } from './smtp-transport.js';
import { sampleOffline } from './test-jobs.js';
import {
  reservePort,
  selfSignedCertificate,
  startDropper,
  startSmtpServer,
} from './test-smtp-server.js';
import { type Observation, transportContract } from './test-transport-contract.js';
import type { MailTransport } from './transport.js';

const from = { name: 'Conduit', address: 'chat@acme.example' };
const fast = { connectionMs: 2000, greetingMs: 2000, socketMs: 2000 };

transportContract('smtp', async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport({ url: server.url, timeouts: fast });
  return {
    transport,
    async observed(count): Promise<Observation[]> {
      await server.waitFor(count);
      return server.received.map((item) => ({
        recipients: item.envelopeTo.length,
        attachments: item.mail.attachments.length,
      }));
    },
    async cleanup() {
      await transport.close();
      await server.close();
    },
  };
});

async function failure(transport: MailTransport): Promise<SendError> {
  const error = await transport.send(renderMail(sampleOffline(), from)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

describe('smtpTransport', () => {
  it('delivers From, To, Reply-To, Subject, Message-ID, text and HTML with a clean envelope', async () => {
    const server = await startSmtpServer();
    const transport = smtpTransport({ url: server.url, timeouts: fast });
    try {
      const mail = renderMail(sampleOffline(), from);
      await expect(transport.send(mail)).resolves.toEqual({ code: 250 });
      const [got] = server.received;
      expect(got?.envelopeFrom).toBe('chat@acme.example');
      expect(got?.envelopeTo).toEqual(['sales@acme.example', 'owner@acme.example']);
      expect(got?.mail.from?.value).toEqual([{ name: 'Conduit', address: 'chat@acme.example' }]);
      expect(got?.mail.replyTo?.value).toEqual([{ name: '', address: 'ada@visitor.example' }]);
      expect(got?.mail.subject).toBe('Offline message from Ada on Acme');
      expect(got?.mail.messageId).toBe(mail.messageId);
      expect(got?.mail.text).toContain('Please call me back about the invoice.');
      expect(got?.mail.html).toContain('Please call me back about the invoice.<br>Thanks!');
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('F9: reports 451 as transient and 550 as permanent', async () => {
    const replies = [
      { code: 451, message: 'try later' },
      { code: 550, message: 'no such user' },
    ];
    const server = await startSmtpServer({ reply: (i) => replies[i] ?? 'accept' });
    const transport = smtpTransport({ url: server.url, timeouts: fast });
    try {
      expect(await failure(transport)).toMatchObject({
        kind: 'transient',
        smtpCode: 451,
        detail: '451',
      });
      expect(await failure(transport)).toMatchObject({ kind: 'permanent', smtpCode: 550 });
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('F8: reports a refused connection as transient', async () => {
    const transport = smtpTransport({
      url: `smtp://127.0.0.1:${await reservePort()}`,
      timeouts: fast,
    });
    expect(await failure(transport)).toMatchObject({ kind: 'transient', detail: 'ECONNREFUSED' });
    await transport.close();
  });

  it('F8: refuses an untrusted certificate (verification stays on) as transient', async () => {
    const server = await startSmtpServer({ starttls: true });
    const transport = smtpTransport({ url: server.url, timeouts: fast });
    try {
      const error = await failure(transport);
      expect(error.kind).toBe('transient');
      expect(server.received).toHaveLength(0);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('delivers over verified STARTTLS and over smtps when the certificate is trusted', async () => {
    const tls = selfSignedCertificate();
    for (const secure of [false, true]) {
      const server = await startSmtpServer({ tls, starttls: !secure, secure });
      const transport = smtpTransport({
        url: server.url,
        timeouts: fast,
        tls: { ca: tls.cert, requireTLS: !secure },
      });
      try {
        await expect(transport.send(renderMail(sampleOffline(), from))).resolves.toEqual({
          code: 250,
        });
        expect(server.accepted()).toHaveLength(1);
      } finally {
        await transport.close();
        await server.close();
      }
    }
  });

  it('refuses a server without STARTTLS when requireTLS is set', async () => {
    const server = await startSmtpServer();
    const transport = smtpTransport({ url: server.url, timeouts: fast, tls: { requireTLS: true } });
    try {
      expect(await failure(transport)).toMatchObject({ kind: 'transient', detail: 'ETLS' });
      expect(server.received).toHaveLength(0);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('F10: reports a connection lost after the data as ambiguous', async () => {
    const server = await startSmtpServer({ reply: () => 'disconnect' });
    const transport = smtpTransport({ url: server.url, timeouts: fast });
    try {
      expect(await failure(transport)).toMatchObject({ kind: 'ambiguous', detail: 'ECONNECTION' });
      expect(server.received).toHaveLength(1);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('F11: reports a connection dropped before the greeting as transient', async () => {
    const dropper = await startDropper();
    const transport = smtpTransport({ url: `smtp://127.0.0.1:${dropper.port}`, timeouts: fast });
    try {
      expect((await failure(transport)).kind).toBe('transient');
    } finally {
      await transport.close();
      await dropper.close();
    }
  });

  it('close aborts a send the server never answers', async () => {
    const server = await startSmtpServer({ reply: () => 'silence' });
    const transport = smtpTransport({ url: server.url, timeouts: { socketMs: 60_000 } });
    try {
      const pending = transport.send(renderMail(sampleOffline(), from)).catch((e: unknown) => e);
      await server.waitFor(1);
      await transport.close();
      expect(await pending).toMatchObject({ kind: 'transient', detail: 'EABORT' });
    } finally {
      await server.close();
    }
  });

  it('classifies errors by reply code first, then by network code', () => {
    const cases: [Record<string, unknown>, boolean, string][] = [
      [{ code: 'EMESSAGE', responseCode: 451, permanent: false }, false, 'transient'],
      [{ code: 'EENVELOPE', responseCode: 553, permanent: true }, false, 'permanent'],
      [{ code: 'EMESSAGE', responseCode: 503, permanent: false }, false, 'transient'],
      [{ code: 'EMESSAGE', responseCode: 554 }, false, 'permanent'],
      [{ code: 'ETLS', responseCode: 500 }, false, 'transient'],
      [{ code: 'EAUTH', responseCode: 535 }, false, 'permanent'],
      [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, false, 'transient'],
      [{ code: 'EDNS' }, false, 'transient'],
      [{ code: 'ECONNECTION' }, false, 'transient'],
      [{ code: 'ECONNECTION' }, true, 'ambiguous'],
      [{ code: 'ETIMEDOUT' }, true, 'ambiguous'],
      [{ code: 'EABORT' }, true, 'transient'],
    ];
    for (const [error, streamed, kind] of cases) {
      expect(classify(error as never, streamed).kind, JSON.stringify(error)).toBe(kind);
    }
  });

  it('parses smtp and smtps URLs and refuses anything else', () => {
    expect(parseSmtpUrl('smtps://u%40x:p%3Aw@smtp.acme.example')).toEqual({
      host: 'smtp.acme.example',
      port: 465,
      secure: true,
      auth: { user: 'u@x', pass: 'p:w' },
    });
    expect(parseSmtpUrl('smtp://127.0.0.1:2525')).toMatchObject({
      port: 2525,
      secure: false,
      auth: undefined,
    });
    for (const bad of [
      'http://x',
      'smtp://x/?tls.rejectUnauthorized=false',
      'nonsense',
      'smtp://x/path',
    ]) {
      expect(() => parseSmtpUrl(bad), bad).toThrow(/mail.smtp/);
    }
  });
});
