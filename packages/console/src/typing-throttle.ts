import { CONSOLE_LIMITS } from './console-limits.js';

/** Options of `createTypingThrottle`. */
export interface TypingThrottleOptions {
  send: (on: boolean) => void;
  repeatMs?: number;
  idleMs?: number;
  /** A monotonic clock (SECURITY.md F13). */
  now?: () => number;
}

/** Turns keystrokes into few `typing` frames. */
export interface TypingThrottle {
  /** The operator pressed a key in the composer. */
  input(): void;
  /** The message was sent or the chat left: `typing off` now if it was on. */
  stop(): void;
}

/**
 * `typing {on:true}` at most every `repeatMs` while keys keep coming (so a relay that expires
 * indicators keeps showing it), `typing {on:false}` after `idleMs` without a key or on `stop()`.
 */
export function createTypingThrottle(options: TypingThrottleOptions): TypingThrottle {
  const repeatMs = options.repeatMs ?? CONSOLE_LIMITS.typingRepeatMs;
  const idleMs = options.idleMs ?? CONSOLE_LIMITS.typingIdleMs;
  const now = options.now ?? (() => performance.now());
  let on = false;
  let sentAt = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    clearTimeout(idle);
    idle = undefined;
    if (!on) return;
    on = false;
    options.send(false);
  };

  return {
    input() {
      const t = now();
      if (!on || t - sentAt >= repeatMs) {
        on = true;
        sentAt = t;
        options.send(true);
      }
      clearTimeout(idle);
      idle = setTimeout(stop, idleMs);
    },
    stop,
  };
}
