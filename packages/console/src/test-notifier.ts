import type { DesktopPermission, Notifier } from './notifier.js';

/** A notifier that records what it was asked to do (happy-dom has no WebAudio or Notification). */
export interface RecordingNotifier extends Notifier {
  beeps: number;
  desktops: { title: string; body: string; tag: string }[];
  unlocked: number;
  grant: DesktopPermission;
}

/** Creates a recording notifier; the title goes to the real `document.title`. */
export function recordingNotifier(): RecordingNotifier {
  let permission: DesktopPermission = 'default';
  const n: RecordingNotifier = {
    beeps: 0,
    desktops: [],
    unlocked: 0,
    grant: 'granted',
    unlock: () => {
      n.unlocked++;
    },
    beep: () => {
      n.beeps++;
    },
    permission: () => permission,
    requestPermission: async () => {
      permission = n.grant;
      return permission;
    },
    desktop: (title, body, tag) => {
      if (permission === 'granted') n.desktops.push({ title, body, tag });
    },
    setTitle: (text) => {
      document.title = text;
    },
  };
  return n;
}
