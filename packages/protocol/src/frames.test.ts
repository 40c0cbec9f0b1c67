import { describe, expect, it } from 'vitest';
import {
  operatorToRelay,
  parseFrame,
  relayToOperator,
  relayToVisitor,
  visitorToRelay,
} from './schema.js';
import {
  operatorSamples,
  relayOperatorSamples,
  relayVisitorSamples,
  visitorSamples,
} from './test-samples.js';

const directions = [
  ['visitor->relay', visitorToRelay, visitorSamples],
  ['relay->visitor', relayToVisitor, relayVisitorSamples],
  ['operator->relay', operatorToRelay, operatorSamples],
  ['relay->operator', relayToOperator, relayOperatorSamples],
] as const;

// One invalid variant per frame type: a required field missing or of the wrong type.
const invalid: Record<string, Record<string, unknown>> = {
  'visitor->relay': {
    hello: { t: 'hello', page: { url: 'https://x.example/', title: 'X' } },
    msg: { t: 'msg', id: 'm_1', text: '   ' },
    typing: { t: 'typing', on: 'yes' },
    page: { t: 'page', url: 42, title: 'X' },
    info: { t: 'info', email: 'not-an-address' },
    offline: { t: 'offline', id: 'o_1', name: 'G', email: 'g@example.com', text: '' },
  },
  'relay->visitor': {
    welcome: { t: 'welcome', session: 'S', token: 'T' },
    msg: { t: 'msg', seq: -1, id: 'm', from: 'operator', text: 'x', at: 0 },
    ack: { t: 'ack', id: 'm' },
    typing: { t: 'typing' },
    status: { t: 'status', online: 1, operators: [], agent: null },
    invite: { t: 'invite', name: 'Ada', text: 'x' },
    queued: { t: 'queued', id: 'bad id with spaces' },
    ended: { t: 'ended', reason: 'because' },
    error: { t: 'error', code: 'no_such_code', message: 'x' },
  },
  'operator->relay': {
    auth: { t: 'auth', key: '' },
    accept: { t: 'accept' },
    msg: { t: 'msg', session: 'S', id: 'r', text: 'x'.repeat(4001) },
    typing: { t: 'typing', session: 'S' },
    invite: { t: 'invite', session: 'S' },
    close: { t: 'close', session: '../etc' },
    sync: { t: 'sync', session: 'S', lastSeq: 1.5 },
    status: { t: 'status', away: 'yes' },
  },
  'relay->operator': {
    ready: { t: 'ready', operator: { id: 'a', name: 'A' } },
    visitor: { t: 'visitor', visitor: { session: 'S' } },
    gone: { t: 'gone', session: 'S' },
    msg: { t: 'msg', session: 'S', seq: 1, id: 'm', from: 'robot', text: 'x', at: 0 },
    ack: { t: 'ack', session: 'S', id: 'm', seq: '1' },
    typing: { t: 'typing', session: 'S', on: true },
    operators: { t: 'operators', operators: [{ id: 'a' }] },
    cluster: { t: 'cluster', partial: 'yes' },
    error: { t: 'error', code: 'forbidden' },
  },
};

// `end`, `ping` and `pong` carry no fields; their invalid case is a non-object or wrong `t` type.
const noFieldInvalid: Record<string, unknown> = {
  end: ['end'],
  ping: { t: ['ping'] },
  pong: { t: null },
};

describe('frames', () => {
  for (const [direction, union, samples] of directions) {
    describe(direction, () => {
      const types = union.options.map((o) => o.shape.t.value);

      it('has a sample for every frame type in the union', () => {
        expect(samples.map((s) => s.t).sort()).toEqual([...types].sort());
      });

      for (const sample of samples) {
        it(`round-trips ${sample.t}`, () => {
          const result = parseFrame(direction, JSON.stringify(sample));
          expect(result).toEqual({ ok: true, frame: sample });
        });

        it(`rejects an invalid ${sample.t}`, () => {
          const bad = noFieldInvalid[sample.t] ?? invalid[direction]?.[sample.t];
          expect(bad, `no invalid case for ${direction} ${sample.t}`).toBeDefined();
          const result = parseFrame(direction, JSON.stringify(bad));
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(['invalid_frame', 'not_object']).toContain(result.error.code);
          }
        });
      }
    });
  }

  it('rejects a frame type of another direction as unknown_type', () => {
    const result = parseFrame('visitor->relay', JSON.stringify({ t: 'auth', key: 'k' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_type' } });
  });

  it('drops unknown keys instead of passing them on', () => {
    const result = parseFrame('visitor->relay', '{"t":"typing","on":true,"admin":true}');
    expect(result).toEqual({ ok: true, frame: { t: 'typing', on: true } });
  });

  it('names the invalid field without echoing its value', () => {
    const result = parseFrame('visitor->relay', '{"t":"info","email":"SECRET-not-an-address"}');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain('email');
      expect(result.error.message).not.toContain('SECRET');
    }
  });

  it('12.2: an error names the refused message and a whole-millisecond retry hint within the limit', () => {
    const frame = { t: 'error', code: 'rate_limited', message: 'x', id: 'm_7', retryMs: 250 };
    for (const direction of ['relay->visitor', 'relay->operator'] as const) {
      expect(parseFrame(direction, JSON.stringify(frame))).toEqual({ ok: true, frame });
      for (const retryMs of [-1, 1.5, 60_001]) {
        const bad = parseFrame(direction, JSON.stringify({ ...frame, retryMs }));
        expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_frame' } });
      }
    }
  });

  describe('15: signed identity', () => {
    const hash = `${'AB'.repeat(16)}${'0f'.repeat(16)}`;

    it('15: carries userId and hash in info and hello.info, the hash as lower-case hex', () => {
      const result = parseFrame(
        'visitor->relay',
        JSON.stringify({ t: 'info', userId: 'u 42', hash }),
      );
      expect(result).toEqual({
        ok: true,
        frame: { t: 'info', userId: 'u 42', hash: hash.toLowerCase() },
      });
      const hello = {
        t: 'hello',
        page: { url: 'https://x.example/', title: 'X' },
        client: { lang: 'en', tz: 'UTC', screen: { w: 1, h: 1 } },
        info: { userId: 'u1', hash: hash.toLowerCase() },
      };
      expect(parseFrame('visitor->relay', JSON.stringify(hello))).toEqual({
        ok: true,
        frame: hello,
      });
    });

    it('15: refuses a hash that is not 64 hex digits and a userId with controls or over the limit', () => {
      for (const bad of [
        { hash: 'a'.repeat(63) },
        { hash: 'g'.repeat(64) },
        { hash: 'a'.repeat(65) },
        { userId: 'u\u202e1' },
        { userId: 'u\n1' },
        { userId: '' },
        { userId: 'x'.repeat(129) },
      ]) {
        const result = parseFrame('visitor->relay', JSON.stringify({ t: 'info', ...bad }));
        expect(result, JSON.stringify(bad)).toMatchObject({
          ok: false,
          error: { code: 'invalid_frame' },
        });
      }
    });

    it('15: a visitor snapshot may say verified (only true) with the verified user id', () => {
      const visitor = relayOperatorSamples.find((f) => f.t === 'visitor');
      if (visitor?.t !== 'visitor') throw new Error('no visitor sample');
      const ok = { ...visitor, visitor: { ...visitor.visitor, verified: true, userId: 'u1' } };
      expect(parseFrame('relay->operator', JSON.stringify(ok))).toEqual({ ok: true, frame: ok });
      const no = { ...visitor, visitor: { ...visitor.visitor, verified: false } };
      expect(parseFrame('relay->operator', JSON.stringify(no)).ok).toBe(false);
    });
  });

  describe('16: operator status', () => {
    it('16: an operator sends status {away} and colleagues are listed with away only when set', () => {
      expect(parseFrame('operator->relay', '{"t":"status","away":true}')).toEqual({
        ok: true,
        frame: { t: 'status', away: true },
      });
      expect(parseFrame('operator->relay', '{"t":"status","away":"yes"}').ok).toBe(false);
      expect(parseFrame('operator->relay', '{"t":"status"}').ok).toBe(false);
      const list = { t: 'operators', operators: [{ id: 'bob', name: 'Bob', away: true }] };
      expect(parseFrame('relay->operator', JSON.stringify(list))).toEqual({
        ok: true,
        frame: list,
      });
      const falseAway = { t: 'operators', operators: [{ id: 'bob', name: 'Bob', away: false }] };
      expect(parseFrame('relay->operator', JSON.stringify(falseAway)).ok).toBe(false);
    });
  });
});
