import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../../test-support/redis-server.js';
import {
  cleanupAfterEach,
  hello,
  KEY_B,
  operator,
  TestClient,
  testConfig,
  visitor,
} from './test-relay.js';
import { freePort, relayProcess } from './test-relay-process.js';

// Two relay processes (the CLI from source) joined by `CONDUIT_REDIS_URL` on a real
// redis-server: a node's SIGTERM hands its visitors to the other node (SECURITY.md F6, F14).

const dir = mkdtempSync(join(tmpdir(), 'conduit-cluster-'));
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('cluster of relay processes', () => {
  const cleanups = cleanupAfterEach();

  async function node(name: string) {
    const port = await freePort();
    const file = join(dir, `${name}.json`);
    const cluster = { heartbeatMs: 200 };
    writeFileSync(file, JSON.stringify({ ...testConfig('uws'), port, cluster }));
    const relay = await relayProcess(file, { CONDUIT_REDIS_URL: redis.url });
    cleanups.push(async () => {
      relay.child.kill('SIGKILL');
      await exited(relay.child);
    });
    return { ...relay, url: `ws://127.0.0.1:${port}` };
  }

  it("F6/F14: SIGTERM on the visitor's node: close 1012, the chat resumes on the other node with its history once, and the node exits 0 without a transcript", async () => {
    const a = await node('a');
    const b = await node('b');
    const op = await operator(`${a.url}/v1/operator?site=acme`);
    const v = await visitor(`${b.url}/v1/visitor?site=acme`);
    const session = v.welcome.session as string;
    await op.client.next('visitor', (f) => f.visitor.session === session);
    v.client.send({ t: 'msg', id: 'v1', text: 'where is my parcel' });
    await v.client.next('ack');
    await op.client.next('msg', (f) => f.seq === 1);
    op.client.send({ t: 'msg', session, id: 'o1', text: 'on its way' });
    expect(await op.client.next('ack')).toMatchObject({ id: 'o1', seq: 2 });
    await v.client.next('msg', (f) => f.seq === 2);

    b.child.kill('SIGTERM');
    expect((await v.client.closed).code).toBe(1012);
    const again = new TestClient(`${a.url}/v1/visitor?site=acme`);
    cleanups.push(() => again.close());
    await again.opened();
    again.send(hello({ resume: v.welcome.token, lastSeq: 0 }));
    expect(await again.next('welcome')).toMatchObject({ session, resumed: true });
    const replay = [await again.next('msg'), await again.next('msg')];
    expect(replay.map((m) => [m.seq, m.text])).toEqual([
      [1, 'where is my parcel'],
      [2, 'on its way'],
    ]);
    expect(await exited(b.child)).toBe(0);
    expect(b.log()).toContain('session handed over');
    expect(b.log()).not.toContain('mail queued');
    expect(b.log()).not.toContain('where is my parcel');

    again.send({ t: 'msg', id: 'v2', text: 'thanks' });
    expect(await again.next('ack')).toEqual({ t: 'ack', id: 'v2', seq: 3 });
    expect(await op.client.next('msg', (f) => f.seq === 3)).toMatchObject({ text: 'thanks' });
    await again.settle();
    expect(again.queued('msg')).toEqual([]);
    await op.client.close();
    expect((await redis.cli('--scan')).trim()).toBe('');
  }, 60_000);

  it("F7/F14: a node killed with SIGKILL: the other nodes' consoles drop its visitors and operators within a few heartbeats", async () => {
    const a = await node('a');
    const b = await node('b');
    const op = await operator(`${a.url}/v1/operator?site=acme`);
    const bob = await operator(`${b.url}/v1/operator?site=acme`, KEY_B);
    const v = await visitor(`${b.url}/v1/visitor?site=acme`);
    await op.client.next('visitor', (f) => f.visitor.session === v.welcome.session);
    await op.client.next('operators', (f) => f.operators.length === 2);
    b.child.kill('SIGKILL');
    await exited(b.child);
    expect(await op.client.next('gone', () => true, 5000)).toEqual({
      t: 'gone',
      session: v.welcome.session,
      reason: 'unknown',
    });
    expect(await op.client.next('operators', (f) => f.operators.length === 1, 5000)).toEqual({
      t: 'operators',
      operators: [{ id: 'ada', name: 'Ada' }],
    });
    await op.client.close();
    await bob.client.close();
    await v.client.close();
  }, 60_000);
});
