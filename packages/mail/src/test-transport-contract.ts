// The contract every mail transport passes (SMTP and log), run by each implementation's test
// file, as hono's router `common.case.test.ts` is. Excluded from the build.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SendError } from './errors.js';
import { renderMail } from './render-mail.js';
import { collected } from './test-gc.js';
import { sampleOffline, sampleTranscript } from './test-jobs.js';
import type { MailTransport, OutgoingMail } from './transport.js';

/** What a transport made of one mail: a delivered message or a log line. */
export interface Observation {
  recipients: number;
  attachments: number;
}

/** A transport under test plus a way to see what it produced. */
export interface ContractSubject {
  transport: MailTransport;
  /** Everything the transport produced so far, once `count` observations exist. */
  observed(count: number): Promise<Observation[]>;
  cleanup(): Promise<void>;
}

const from = { name: 'Conduit', address: 'chat@acme.example' };

function mail(id: string): OutgoingMail {
  return renderMail(sampleTranscript({ id }), from);
}

/** Registers the shared transport contract for one implementation. */
export function transportContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`${name} transport contract`, () => {
    let subject: ContractSubject;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('accepts a mail and reports it once with its recipients', async () => {
      const offline = renderMail(sampleOffline(), from);
      await expect(subject.transport.send(offline)).resolves.toHaveProperty('code');
      expect(await subject.observed(1)).toEqual([{ recipients: 2, attachments: 0 }]);
    });

    it('accepts many mails sent at once', async () => {
      const sends = Array.from({ length: 20 }, (_, i) => subject.transport.send(mail(`m${i}`)));
      await Promise.all(sends);
      expect(await subject.observed(20)).toHaveLength(20);
    });

    it('rejects a send after close with a permanent SendError, and closes twice', async () => {
      await subject.transport.close();
      await subject.transport.close();
      const error = await subject.transport.send(mail('late')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SendError);
      expect((error as SendError).kind).toBe('permanent');
    });

    it('F12: keeps no reference to a mail once its send settled', async () => {
      let ref: WeakRef<OutgoingMail> | undefined;
      await (async () => {
        const one = mail('weak');
        ref = new WeakRef(one);
        await subject.transport.send(one);
      })();
      expect(await collected(ref!)).toBe(true);
    });

    it('B23: never fetches or attaches what the text names', async () => {
      let requests = 0;
      const target = http.createServer((_req, res) => {
        requests++;
        res.end('secret');
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      const port = (target.address() as AddressInfo).port;
      try {
        const text = [
          'file:///etc/passwd',
          `http://127.0.0.1:${port}/latest/meta-data/iam`,
          'http://169.254.169.254/latest/meta-data/',
          'data:text/plain;base64,c2VjcmV0',
          `<img src="http://127.0.0.1:${port}/pixel.png">`,
          `![x](http://127.0.0.1:${port}/md.png)`,
        ].join('\n');
        const page = { url: `http://127.0.0.1:${port}/page`, title: 'cid:logo' };
        await subject.transport.send(renderMail(sampleOffline({ text, page }), from));
        const [observation] = await subject.observed(1);
        expect(observation?.attachments).toBe(0);
        expect(requests).toBe(0);
      } finally {
        await new Promise<void>((resolve) => target.close(() => resolve()));
      }
    });
  });
}
