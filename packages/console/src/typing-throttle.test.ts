import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTypingThrottle } from './typing-throttle.js';

describe('typing-throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends on once per repeat period and off after the idle time', () => {
    vi.useFakeTimers();
    let t = 0;
    const sent: boolean[] = [];
    const th = createTypingThrottle({
      send: (on) => sent.push(on),
      repeatMs: 100,
      idleMs: 300,
      now: () => t,
    });
    for (let i = 0; i < 10; i++) {
      th.input();
      t += 25;
      vi.advanceTimersByTime(25);
    }
    expect(sent).toEqual([true, true, true]);
    vi.advanceTimersByTime(300);
    expect(sent).toEqual([true, true, true, false]);
  });

  it('sends off at once on stop, and nothing when it was not on', () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    const th = createTypingThrottle({ send: (on) => sent.push(on) });
    th.stop();
    th.input();
    th.stop();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
  });
});
