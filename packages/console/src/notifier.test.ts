import { describe, expect, it } from 'vitest';
import { createNotifier } from './notifier.js';

// WebAudio and Notification do not exist in happy-dom: a stand-in window records the calls.
function fakeWindow(permission: NotificationPermission) {
  const shown: { title: string; options: NotificationOptions | undefined }[] = [];
  const tones: number[] = [];
  class FakeNotification {
    static permission = permission;
    static requestPermission = async () => {
      FakeNotification.permission = 'granted';
      return 'granted' as const;
    };
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, options });
    }
    close() {}
  }
  const param = { value: 0, setValueAtTime() {}, exponentialRampToValueAtTime() {} };
  class FakeAudioContext {
    state = 'running';
    currentTime = 0;
    destination = {};
    createOscillator() {
      const osc = {
        frequency: { value: 0 },
        connect: (g: unknown) => g,
        start: () => tones.push(osc.frequency.value),
        stop() {},
      };
      return osc;
    }
    createGain() {
      return { gain: param, connect: (d: unknown) => d };
    }
    resume() {
      return Promise.resolve();
    }
  }
  const win = {
    Notification: FakeNotification,
    AudioContext: FakeAudioContext,
    document: { title: '' },
    focus() {},
  } as unknown as Window & typeof globalThis;
  return { win, shown, tones };
}

describe('notifier', () => {
  it('beeps only after being unlocked by a gesture', () => {
    const { win, tones } = fakeWindow('default');
    const n = createNotifier(win);
    n.beep();
    expect(tones).toEqual([]);
    n.unlock();
    n.beep();
    expect(tones).toEqual([880, 1320]);
  });

  it('shows desktop notifications only once permission is granted', async () => {
    const { win, shown } = fakeWindow('default');
    const n = createNotifier(win);
    n.desktop('New chat waiting', 'Eve would like to chat.', 'chat-s1');
    expect(shown).toEqual([]);
    expect(await n.requestPermission()).toBe('granted');
    n.desktop('New chat waiting', 'Eve would like to chat.', 'chat-s1');
    expect(shown).toEqual([
      {
        title: 'New chat waiting',
        options: { body: 'Eve would like to chat.', tag: 'chat-s1', silent: true },
      },
    ]);
  });

  it('sets the document title and reports a missing Notification API', () => {
    const n = createNotifier(window);
    n.setTitle('(2) Acme · Conduit console');
    expect(document.title).toBe('(2) Acme · Conduit console');
    if (!('Notification' in window)) expect(n.permission()).toBe('unsupported');
  });
});
