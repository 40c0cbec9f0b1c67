import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { type Direction, fastMsgFrame, scanVisitorMsg } from './parse-frame.js';
import { operatorToRelay, parseFrame, visitorToRelay, withinDepth } from './schema.js';
import {
  operatorSamples,
  relayOperatorSamples,
  relayVisitorSamples,
  visitorSamples,
} from './test-samples.js';

const codeOf = (raw: string | Uint8Array) => {
  const r = parseFrame('visitor->relay', raw);
  return r.ok ? 'ok' : r.error.code;
};

describe('parseFrame (SECURITY.md B12)', () => {
  it('B12: rejects non-JSON with bad_json', () => {
    for (const raw of ['', 'hello', '{t:"ping"}', '{"t":"ping"', "{'t':'ping'}", 'NaN']) {
      expect(codeOf(raw), raw).toBe('bad_json');
    }
  });

  it('B12: rejects JSON that is not an object with a string t', () => {
    for (const raw of ['null', '42', '"ping"', '[{"t":"ping"}]', '{}', '{"t":7}', 'true']) {
      expect(codeOf(raw), raw).toBe('not_object');
    }
  });

  it('B12: rejects deeply nested JSON before parsing it', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(codeOf(deep.slice(0, LIMITS.frameBytes))).toBe('too_deep');
    const nested = `{"t":"info","custom":${'{"a":'.repeat(8)}1${'}'.repeat(8)}}`;
    expect(codeOf(nested)).toBe('too_deep');
  });

  it('B12: counts only structural brackets, not brackets inside strings', () => {
    const text = `{"t":"msg","id":"m1","text":"${'[{'.repeat(50)}\\"]"}`;
    expect(codeOf(text)).toBe('ok');
    expect(withinDepth('{"a":"\\\\"}', 1)).toBe(true);
  });

  it('B12: rejects __proto__, constructor and prototype keys at any depth', () => {
    const before = ({} as Record<string, unknown>).polluted;
    for (const raw of [
      '{"t":"info","__proto__":{"polluted":true}}',
      '{"t":"info","custom":{"__proto__":{"polluted":true}}}',
      '{"t":"info","constructor":{"prototype":{"polluted":true}}}',
      '{"t":"info","custom":{"prototype":"x"}}',
      '{"t":"info","custom":{"__pro\\u0074o__":"escaped"}}',
    ]) {
      expect(codeOf(raw), raw).toBe('forbidden_key');
    }
    expect(({} as Record<string, unknown>).polluted).toBe(before);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('B12: rejects wrong types with invalid_frame', () => {
    for (const raw of [
      '{"t":"msg","id":1,"text":"x"}',
      '{"t":"msg","id":"m","text":["x"]}',
      '{"t":"typing","on":"true"}',
      '{"t":"hello","page":"x","client":{}}',
      '{"t":"hello","lastSeq":-1,"page":{"url":"u","title":"t"},"client":{"lang":"en","tz":"UTC","screen":{"w":1,"h":1}}}',
    ]) {
      expect(codeOf(raw), raw).toBe('invalid_frame');
    }
  });

  it('B12: rejects an unknown t with unknown_type', () => {
    for (const raw of ['{"t":"hack"}', '{"t":"auth","key":"k"}', '{"t":""}', '{"t":"MSG"}']) {
      expect(codeOf(raw), raw).toBe('unknown_type');
    }
  });

  it('B12: rejects huge strings by size before parsing', () => {
    const huge = `{"t":"msg","id":"m","text":"${'a'.repeat(LIMITS.frameBytes)}"}`;
    expect(codeOf(huge)).toBe('too_large');
    // Multi-byte text: few code units, many bytes.
    const wide = `{"t":"msg","id":"m","text":"${'€'.repeat(LIMITS.frameBytes / 3 + 10)}"}`;
    expect(codeOf(wide)).toBe('too_large');
    expect(codeOf(new Uint8Array(LIMITS.frameBytes + 1))).toBe('too_large');
  });

  it('B12: rejects a text one character over the limit, accepts it at the limit', () => {
    const at = JSON.stringify({ t: 'msg', id: 'm', text: 'x'.repeat(LIMITS.textChars) });
    const over = JSON.stringify({ t: 'msg', id: 'm', text: 'x'.repeat(LIMITS.textChars + 1) });
    expect(codeOf(at)).toBe('ok');
    expect(codeOf(over)).toBe('invalid_frame');
  });

  it('B12: rejects 1e309 (Infinity) and non-integers where integers are due', () => {
    const hello = (lastSeq: string) =>
      `{"t":"hello","lastSeq":${lastSeq},"page":{"url":"https://a.example/","title":"t"},"client":{"lang":"en","tz":"UTC","screen":{"w":1,"h":1}}}`;
    expect(codeOf(hello('1e309'))).toBe('invalid_frame');
    expect(codeOf(hello('-1e309'))).toBe('invalid_frame');
    expect(codeOf(hello('2.5'))).toBe('invalid_frame');
    expect(codeOf(hello('2'))).toBe('ok');
    expect(codeOf('{"t":"info","custom":{"n":1e309}}')).toBe('invalid_frame');
  });

  it('B12: rejects invalid UTF-8 in binary frames', () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect(codeOf(bytes)).toBe('bad_json');
    expect(codeOf(new TextEncoder().encode('{"t":"ping"}'))).toBe('ok');
  });

  it('B12: never throws, whatever the input', () => {
    const inputs: unknown[] = [
      undefined,
      null,
      123,
      {},
      Symbol('x'),
      '\u0000',
      '{"t":"msg","id":"m","text":"\\ud800"}',
    ];
    for (const input of inputs) {
      expect(() => parseFrame('operator->relay', input as string)).not.toThrow();
      expect(parseFrame('operator->relay', input as string).ok).toBe(false);
    }
  });

  it('cleans values where they enter: CR/LF and bidi controls leave names', () => {
    const r = parseFrame(
      'visitor->relay',
      JSON.stringify({ t: 'info', name: 'Eve\r\nBcc: x@evil.example\u202e', email: 'e@x.example' }),
    );
    expect(r).toEqual({
      ok: true,
      frame: { t: 'info', name: 'EveBcc: x@evil.example', email: 'e@x.example' },
    });
  });
});

describe('fastMsgFrame', () => {
  const at = (n: number, c = 'x') => c.repeat(n);
  const id64 = at(LIMITS.idChars, 'a');
  const session128 = at(LIMITS.tokenChars, 'S');
  const visitorMsgs: Record<string, unknown>[] = [
    { t: 'msg', id: 'm_1', text: 'Hello' },
    { t: 'msg', id: id64, text: at(LIMITS.textChars) },
    { t: 'msg', id: `${id64}a`, text: 'x' },
    { t: 'msg', id: '', text: 'x' },
    { t: 'msg', id: 'm 1', text: 'x' },
    { t: 'msg', id: 'm.1', text: 'x' },
    { t: 'msg', id: 'm\n', text: 'x' },
    { t: 'msg', id: 'é', text: 'x' },
    { t: 'msg', id: 7, text: 'x' },
    { t: 'msg', id: null, text: 'x' },
    { t: 'msg', id: 'm', text: at(LIMITS.textChars + 1) },
    { t: 'msg', id: 'm', text: `  ${at(LIMITS.textChars - 2)}  ` },
    { t: 'msg', id: 'm', text: '   \n\t ' },
    { t: 'msg', id: 'm', text: '' },
    { t: 'msg', id: 'm', text: '\u200b\u202e' },
    { t: 'msg', id: 'm', text: ' a\r\nb\u202e\u0000 ' },
    { t: 'msg', id: 'm', text: 'Z\u0301\u0302\u0303\u0304\u0305' },
    { t: 'msg', id: 'm', text: ['x'] },
    { t: 'msg', id: 'm', text: 5 },
    { t: 'msg', id: 'm' },
    { t: 'msg', text: 'x' },
    { t: 'msg', id: 'm', text: 'x', extra: 1 },
    { t: 'msg', id: 'm', text: 'x', seq: 1 },
    { t: 'msg', id: 'm', text: 'x', session: 'S1' },
    { t: 'msg', session: 'S1abc', id: 'r_1', text: 'On its way.' },
    { t: 'msg', session: session128, id: 'r', text: 'x' },
    { t: 'msg', session: `${session128}S`, id: 'r', text: 'x' },
    { t: 'msg', session: '', id: 'r', text: 'x' },
    { t: 'msg', session: 'S/1', id: 'r', text: 'x' },
    { t: 'msg', session: 1, id: 'r', text: 'x' },
    { t: 'msg', session: 'S', id: 'r', text: ' ' },
    { t: 'msg', session: 'S', id: 'r', text: 'x', extra: true },
    { t: 'msg', session: 'S', text: 'x', extra: true },
    { t: 'Msg', id: 'm', text: 'x' },
    { t: 'typing', id: 'm', text: 'x' },
  ];
  const raws = [
    ...visitorMsgs.map((v) => JSON.stringify(v)),
    ...[visitorSamples, operatorSamples, relayVisitorSamples, relayOperatorSamples].flatMap((l) =>
      l.map((f) => JSON.stringify(f)),
    ),
    '{"t":"msg","id":"m","text":"x","__proto__":{"polluted":true}}',
    '{"t":"msg","id":"m","text":"x","constructor":1}',
    '{"t":"msg","id":"m","id":"n","text":"x"}',
    '{"t":"msg","t":"msg","id":"m","text":"x"}',
    '{"t":"msg","id":"m","text":"\\ud800"}',
    '{"t":"msg","id":"m","text":"\ud83d\ude00"}',
    // The visitor scanner's edges (exact widget form, no escapes) against JSON.parse + zod.
    '{"t":"msg","id":"m","text":"he said \\"hi\\""}',
    '{"t":"msg","id":"m","text":"back\\\\slash"}',
    '{"t":"msg","id":"m","text":"raw\ttab"}',
    '{"t":"msg","id":"m","text":"raw\nnewline"}',
    '{"t":"msg","id":"m","text":"x"}trailing',
    '{"t":"msg","id":"m","text":"x"} ',
    '{"t":"msg","id":"m","text":"}',
    '{"t":"msg","id":"m","text":"a"}"}',
    '{"t":"msg","id":"m\\u0041","text":"x"}',
    '{"t":"msg","id":"m","text":"\u0085\u007f C1 and DEL"}',
    '{"t":"msg","id":"m","text":"   "}',
    '{"t":"msg","id":"m","text":"ok","text":"again"}',
    '{"t":"msg","id":"","text":"x"}',
    '{"t":"msg","id":"m","text":"x","extra":"y"}',
    `{"t":"msg","id":"m","text":"${'y'.repeat(LIMITS.textChars)}"}`,
    `{"t":"msg","id":"m","text":"${'y'.repeat(LIMITS.textChars + 1)}"}`,
    '["msg"]',
    'null',
  ];
  const schemas = { 'visitor->relay': visitorToRelay, 'operator->relay': operatorToRelay };

  it('returns exactly what zod returns for every frame it accepts, and declines the rest', () => {
    let fast = 0;
    for (const direction of Object.keys(schemas) as (keyof typeof schemas)[]) {
      for (const raw of raws) {
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          // Not JSON (a raw control character, trailing bytes): refused, whatever the path.
          expect(parseFrame(direction, raw).ok, `${direction} ${raw}`).toBe(false);
          continue;
        }
        const zod = schemas[direction].safeParse(value);
        const viaFast =
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? fastMsgFrame(direction, value as Record<string, unknown>)
            : undefined;
        if (viaFast !== undefined) {
          fast++;
          expect(zod.success, `${direction} ${raw}`).toBe(true);
          expect(JSON.stringify(viaFast), `${direction} ${raw}`).toBe(JSON.stringify(zod.data));
        }
        const parsed = parseFrame(direction, raw);
        if (zod.success && !raw.includes('__proto__') && !raw.includes('constructor')) {
          expect(parsed, `${direction} ${raw}`).toEqual({ ok: true, frame: zod.data });
        } else {
          expect(parsed.ok, `${direction} ${raw}`).toBe(false);
        }
      }
    }
    // Visitor: the sample, Hello, the limit cases, the cleaned texts, the escapes and the two
    // repeated-key frames (JSON.parse keeps the last); operator: the sample (twice) and the
    // 128-character session; then seven of the scanner's edges that are valid visitor frames
    // (escaped quote, backslash, escaped id, C1/DEL, repeated text key, trailing space, the
    // 4 000-character text). Everything else went through zod only.
    expect(fast).toBe(20);
  });

  it('reads the widget’s exact msg form by slicing, with the result JSON.parse and zod give', () => {
    const raw = JSON.stringify({ t: 'msg', id: 'm_1', text: ' Hello\u202e ' });
    expect(scanVisitorMsg(raw)).toEqual({ t: 'msg', id: 'm_1', text: 'Hello' });
    expect(parseFrame('visitor->relay', raw)).toEqual({ ok: true, frame: scanVisitorMsg(raw) });
    for (const other of [
      '{"t":"msg","id":"m","text":"a \\"quote\\""}',
      '{"id":"m","t":"msg","text":"x"}',
      '{ "t":"msg","id":"m","text":"x"}',
    ]) {
      expect(scanVisitorMsg(other), other).toBeUndefined();
      expect(parseFrame('visitor->relay', other).ok, other).toBe(true);
    }
  });

  it('declines frames with extra keys, so zod strips them as before', () => {
    const value = { t: 'msg', id: 'm', text: 'x', extra: 1 };
    expect(fastMsgFrame('visitor->relay', value)).toBeUndefined();
    expect(parseFrame('visitor->relay', JSON.stringify(value))).toEqual({
      ok: true,
      frame: { t: 'msg', id: 'm', text: 'x' },
    });
  });

  it('applies only to the two inbound directions', () => {
    const value = { t: 'msg', id: 'm', text: 'x' };
    for (const direction of ['relay->visitor', 'relay->operator'] as Direction[]) {
      expect(fastMsgFrame(direction, value)).toBeUndefined();
    }
  });

  it('returns the text cleaned and the error unchanged for whitespace-only text', () => {
    expect(parseFrame('visitor->relay', '{"t":"msg","id":"m","text":" a\\r\\nb\\u202e "}')).toEqual(
      { ok: true, frame: { t: 'msg', id: 'm', text: 'a\nb' } },
    );
    const empty = parseFrame('visitor->relay', '{"t":"msg","id":"m","text":" \\n "}');
    expect(empty.ok ? 'ok' : empty.error.code).toBe('invalid_frame');
  });
});
