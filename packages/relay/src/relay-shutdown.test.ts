import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAfterEach, smtpServer, testConfig, visitor } from './test-relay.js';
import { relayProcess } from './test-relay-process.js';

// Issue #12.4: with 2.5 s per mail, SIGTERM once dropped 35 of 50 transcripts, exited 0 and
// logged "mail drained" at info level. The relay CLI as a real process, a real slow SMTP
// server, real chats that are live when the signal comes (their transcripts go at shutdown).

const dir = mkdtempSync(join(tmpdir(), 'conduit-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHATS = 12;

interface LogLine {
  level: number;
  msg: string;
  dropped?: number;
  drainMs?: number;
}

const lines = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

describe('12.4: shutdown with mail still queued', () => {
  const cleanups = cleanupAfterEach();

  /** A relay process with `chats` live chats, each with one message, and a slow SMTP server. */
  async function relayWithChats(name: string, delayMs: number, drainMs: number) {
    const smtp = await smtpServer({ delayMs });
    cleanups.push(() => smtp.close());
    const config = join(dir, `${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        ...testConfig('uws'),
        mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url },
        shutdown: { drainMs },
      }),
    );
    const relay = await relayProcess(config);
    cleanups.push(async () => {
      relay.child.kill('SIGKILL');
      await relay.exited;
    });
    const url = `ws://127.0.0.1:${relay.port}/v1/visitor?site=acme`;
    for (let i = 0; i < CHATS; i++) {
      const v = await visitor(url);
      cleanups.push(() => v.client.close());
      v.client.send({ t: 'msg', id: `m${i}`, text: `order question ${i}` });
      await v.client.next('ack');
    }
    return { smtp, relay };
  }

  it('12.4: exits 3 with one error line counting the dropped jobs when the drain limit passes', async () => {
    // 2.5 s per mail, 1 s to drain: no transcript can be answered in time.
    const { relay } = await relayWithChats('slow', 2500, 1000);
    relay.child.kill('SIGTERM');
    const { code } = await relay.exited;
    expect(code).toBe(3);
    const log = lines(relay.log());
    const errors = log.filter((l) => l.msg === 'shutdown: mail not drained in time, jobs dropped');
    expect(errors).toEqual([expect.objectContaining({ level: 50, dropped: CHATS, drainMs: 1000 })]);
    expect(log.some((l) => l.msg.includes('mail drained'))).toBe(false);
    // Content-free: a count, never what the chats said.
    expect(relay.log()).not.toContain('order question');
  }, 30_000);

  it('12.4: exits 0 after every transcript reached the SMTP server when the queue drains in time', async () => {
    const { smtp, relay } = await relayWithChats('drains', 100, 20_000);
    relay.child.kill('SIGTERM');
    const { code } = await relay.exited;
    expect(code).toBe(0);
    expect(smtp.received).toHaveLength(CHATS);
    const texts = smtp.received.map((r) => r.mail.text ?? '');
    for (let i = 0; i < CHATS; i++) {
      const line = new RegExp(`order question ${i}\\b`);
      expect(texts.filter((t) => line.test(t))).toHaveLength(1);
    }
    const log = lines(relay.log());
    expect(log.some((l) => l.msg === 'shutdown: sessions ended, mail drained')).toBe(true);
    expect(log.some((l) => l.level >= 50)).toBe(false);
  }, 30_000);
});
