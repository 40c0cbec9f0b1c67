/** Permission for desktop notifications, or `unsupported` where the API is missing. */
export type DesktopPermission = NotificationPermission | 'unsupported';

/** The side effects of a notice. */
export interface Notifier {
  /** Prepares sound; call from a click (browsers allow audio only after a gesture). */
  unlock(): void;
  /** A short two-tone beep. */
  beep(): void;
  /** Current desktop-notification permission. */
  permission(): DesktopPermission;
  /** Asks for desktop-notification permission; call from a click. */
  requestPermission(): Promise<DesktopPermission>;
  /** Shows a desktop notification (text only), if permitted. */
  desktop(title: string, body: string, tag: string): void;
  /** Sets the document title. */
  setTitle(text: string): void;
}

/** The browser's notifier: WebAudio beep, `Notification`, `document.title`. */
export function createNotifier(win: Window & typeof globalThis = window): Notifier {
  let audio: AudioContext | null = null;
  const N = 'Notification' in win ? win.Notification : undefined;
  return {
    unlock() {
      if (audio || typeof win.AudioContext !== 'function') return;
      try {
        audio = new win.AudioContext();
      } catch {
        audio = null;
      }
    },
    beep() {
      if (!audio) return;
      if (audio.state === 'suspended') void audio.resume();
      const t = audio.currentTime;
      for (const [i, freq] of [880, 1320].entries()) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t + i * 0.12);
        gain.gain.exponentialRampToValueAtTime(0.2, t + i * 0.12 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.11);
        osc.connect(gain).connect(audio.destination);
        osc.start(t + i * 0.12);
        osc.stop(t + i * 0.12 + 0.12);
      }
    },
    permission: () => (N ? N.permission : 'unsupported'),
    async requestPermission() {
      if (!N) return 'unsupported';
      return N.requestPermission();
    },
    desktop(title, body, tag) {
      if (N?.permission !== 'granted') return;
      try {
        const n = new N(title, { body, tag, silent: true });
        n.onclick = () => {
          win.focus();
          n.close();
        };
      } catch {
        // Some platforms allow notifications only from a service worker: stay quiet.
      }
    },
    setTitle(text) {
      if (win.document.title !== text) win.document.title = text;
    },
  };
}
