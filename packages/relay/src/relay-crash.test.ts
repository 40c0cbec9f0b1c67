import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  hello,
  operator,
  smtpServer,
  TestClient,
  testConfig,
  visitor,
} from './test-relay.js';
import { freePort, relayProcess } from './test-relay-process.js';

// SECURITY.md F7: a relay process killed with SIGKILL. Its clients notice at once (the kernel
// resets their connections), reconnect to the relay that replaces it, and are told the chat
// is gone: the new process never knew the token. Nothing the dead process held is mailed
// later, by it or by its successor. Real processes (the CLI from source), real SMTP.

const dir = mkdtempSync(join(tmpdir(), 'conduit-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    child.once('exit', (_code, signal) => resolve(signal));
    child.kill('SIGKILL');
  });
}

describe('F7: relay killed with SIGKILL', () => {
  const cleanups = cleanupAfterEach();

  it('clients notice at once, a resume on the new process is told the chat ended, and no transcript is ever sent', async () => {
    const smtp = await smtpServer();
    cleanups.push(() => smtp.close());
    const port = await freePort();
    const config = join(dir, 'relay.json');
    writeFileSync(
      config,
      JSON.stringify({
        ...testConfig('uws'),
        port,
        mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url },
      }),
    );
    const first = await relayProcess(config);
    cleanups.push(async () => {
      first.child.kill('SIGKILL');
    });
    const url = `ws://127.0.0.1:${port}`;
    const op = await operator(`${url}/v1/operator?site=acme`);
    const v = await visitor(`${url}/v1/visitor?site=acme`);
    v.client.send({ t: 'msg', id: 'm1', text: 'is my order on its way?' });
    await v.client.next('ack');
    const session = v.welcome.session as string;
    await op.client.next('msg', (f) => f.session === session);
    op.client.send({ t: 'msg', session, id: 'r1', text: 'It left this morning.' });
    await v.client.next('msg', (f) => f.from === 'operator');

    expect(await killed(first.child)).toBe('SIGKILL');
    // The kernel closes the dead process's sockets: both sides see an abnormal close at once,
    // well within the widget's 60 s heartbeat timeout (the test's own timeout is 20 s).
    expect((await v.client.closed).code).toBe(1006);
    expect((await op.client.closed).code).toBe(1006);

    const second = await relayProcess(config);
    cleanups.push(async () => {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    });
    // The visitor's widget reconnects with its token and the last seq it saw.
    const again = new TestClient(`${url}/v1/visitor?site=acme`);
    cleanups.push(() => again.close());
    await again.opened();
    again.send(hello({ resume: v.welcome.token, lastSeq: 2 }));
    expect(await again.next('ended')).toEqual({ t: 'ended', reason: 'unknown' });
    // The socket stays usable for a new chat.
    again.send(hello());
    const fresh = await again.next('welcome');
    expect(fresh).toMatchObject({ resumed: false });
    expect(fresh.session).not.toBe(session);
    // The operator's console reconnects and sees only the new chat.
    const op2 = await operator(`${url}/v1/operator?site=acme`);
    cleanups.push(() => op2.client.close());
    const listed = (op2.ready.visitors as Array<{ session: string }>).map((s) => s.session);
    expect(listed).toContain(fresh.session);
    expect(listed).not.toContain(session);

    // Neither process mails the lost chat: end the new one cleanly and let mail drain.
    again.send({ t: 'end' });
    await again.next('ended');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received).toHaveLength(0);
    expect(second.log()).not.toContain(session);
  }, 90_000);
});
