import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"id":"evt_1","event":"chat.started","data":{"chat":"c1","at":1}}';
const t = 1_780_000_000;

describe('verifyWebhookSignature', () => {
  it('16.6: signs HMAC-SHA256 of "t.body" in hex, as documented', () => {
    const hex = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(body, secret, t)).toBe(`t=${t},v1=${hex}`);
  });

  it('16.6: accepts its own signature within the window, as a string or the raw bytes', () => {
    const header = signWebhook(body, secret, t);
    expect(verifyWebhookSignature(body, header, secret, { now: t + 299 })).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, { now: t - 299 })).toBe(true);
  });

  it('16.6: refuses another body, another secret, or a header outside the replay window', () => {
    const header = signWebhook(body, secret, t);
    expect(verifyWebhookSignature(`${body} `, header, secret, { now: t })).toBe(false);
    expect(verifyWebhookSignature(body, header, `${secret}x`, { now: t })).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, { now: t + 301 })).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, { now: t + 30, toleranceSec: 10 })).toBe(
      false,
    );
  });

  it('16.6: refuses a signature moved to another time (t is signed with the body)', () => {
    const v1 = signWebhook(body, secret, t).split(',v1=')[1];
    expect(verifyWebhookSignature(body, `t=${t + 1},v1=${v1}`, secret, { now: t })).toBe(false);
  });

  it('16.6: accepts any matching v1 (secret rotation) and refuses malformed headers', () => {
    const good = signWebhook(body, secret, t).split(',v1=')[1] ?? '';
    const other = signWebhook(body, 'old-secret', t).split(',v1=')[1];
    expect(verifyWebhookSignature(body, `t=${t},v1=${other},v1=${good}`, secret, { now: t })).toBe(
      true,
    );
    for (const header of [
      undefined,
      ['a', 'b'],
      '',
      `v1=${good}`,
      `t=${t}`,
      `t=abc,v1=${good}`,
      `t=${t},v1=${good.slice(2)}`,
      `t=${t},v1=${good.toUpperCase()}`,
      `t=${t},v1=${good}${'x'.repeat(2000)}`,
    ]) {
      expect(verifyWebhookSignature(body, header, secret, { now: t }), String(header)).toBe(false);
    }
    expect(verifyWebhookSignature(body, signWebhook(body, secret, t), '', { now: t })).toBe(false);
  });
});
