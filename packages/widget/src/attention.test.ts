import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from './mount.js';
import { type TestChat, testChat, tick } from './test-chat.js';
import { relayMsg } from './test-peer.js';

let t: TestChat | undefined;
const tones: number[] = [];

// happy-dom has no Web Audio: stand-ins that record the tone the widget plays.
class FakeAudioContext {
  currentTime = 0;
  destination = {};
  close = async () => {};
}
class FakeNode {
  connect = (n: unknown) => n;
}
class FakeOscillator extends FakeNode {
  frequency: number;
  onended = null;
  constructor(_ctx: unknown, options: { frequency: number }) {
    super();
    this.frequency = options.frequency;
  }
  start() {
    tones.push(this.frequency);
  }
  stop() {}
}

beforeEach(() => {
  tones.length = 0;
  vi.stubGlobal('AudioContext', FakeAudioContext);
  vi.stubGlobal('OscillatorNode', FakeOscillator);
  vi.stubGlobal('GainNode', FakeNode);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  await t?.stop();
  t = undefined;
  sessionStorage.clear();
});

describe('attention', () => {
  it('beeps and blinks the title on an operator message while closed, and stops on open', async () => {
    document.title = 'Shop';
    t = await testChat();
    const s = await t.connect();
    t.chat.close();
    s.send({ t: 'pong' }); // end of the replay: what follows is live
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    s.send(relayMsg(1, 'Are you there?'));
    await t.until(() => tones.length === 1);
    expect(tones).toEqual([880]);
    vi.advanceTimersByTime(1000);
    expect(document.title).toBe('(1) New message');
    vi.advanceTimersByTime(1000);
    expect(document.title).toBe('Shop');
    vi.advanceTimersByTime(1000);
    t.chat.open();
    expect(document.title).toBe('Shop');
    vi.advanceTimersByTime(5000);
    expect(document.title).toBe('Shop');
  });

  it('stays quiet once the visitor mutes the sound in the panel', async () => {
    const c = await testChat();
    t = c;
    const s = await c.connect();
    await c.type('hi');
    await c.click('Sound');
    expect(c.$('.tb [aria-pressed]')?.getAttribute('aria-pressed')).toBe('false');
    c.chat.close();
    s.send({ t: 'pong' });
    s.send(relayMsg(1, 'quiet please'));
    await c.until(() => c.text('.b') === '1');
    expect(tones).toEqual([]);
  });
});

describe('reconnect triggers', () => {
  it('reconnects at once when the browser is back online, without waiting for the backoff', async () => {
    t = await testChat({ backoff: { baseMs: 600_000, maxMs: 600_000 } });
    const s = await t.connect();
    s.close(1012);
    const chat = t;
    await chat.until(() => chat.text('[role=status]').includes('Reconnecting…'));
    window.dispatchEvent(new Event('online'));
    const again = await chat.peer.accept();
    expect(await again.nextOf('hello')).toMatchObject({ resume: 'tok1' });
  });
});

describe('mount', () => {
  it('falls back to <style> elements where constructable stylesheets are missing', async () => {
    // An older browser: CSSStyleSheet without replaceSync.
    vi.stubGlobal('CSSStyleSheet', class {});
    const m = mount(document.body, ':host{color:red}');
    m.setTheme(':host{--x:1}');
    expect(Array.from(m.root.querySelectorAll('style'), (el) => el.textContent)).toEqual([
      ':host{color:red}',
      ':host{--x:1}',
    ]);
    m.unmount();
    expect(document.querySelector('conduit-chat')).toBeNull();
    await tick();
  });
});
