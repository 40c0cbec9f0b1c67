/** Interval of the title blink, ms. */
export const TITLE_BLINK_MS = 1000;

/** Sound and title blink for a new operator message while the panel is closed or hidden. */
export interface Attention {
  /** A short, quiet tone (Web Audio, no file to fetch); nothing where audio is blocked. */
  beep(): void;
  /** Alternates the page title with `text` until `stop()`. */
  blink(text: string): void;
  /** Stops blinking and restores the page's title. */
  stop(): void;
}

/** Creates the attention helpers for `doc`. */
export function attention(doc: Document): Attention {
  let timer: ReturnType<typeof setInterval> | undefined;
  let original = '';
  let shown = '';
  return {
    beep() {
      try {
        const ctx = new AudioContext();
        const osc = new OscillatorNode(ctx, { frequency: 880 });
        osc.connect(new GainNode(ctx, { gain: 0.05 })).connect(ctx.destination);
        osc.onended = () => ctx.close();
        osc.start();
        osc.stop(ctx.currentTime + 0.15);
      } catch {
        // No audio here: the badge and the title still tell.
      }
    },
    blink(text) {
      shown = text;
      if (timer) return;
      original = doc.title;
      timer = setInterval(() => {
        const now = doc.title;
        // The page changed its own title meanwhile: that becomes the one to restore.
        if (now !== shown) original = now;
        doc.title = now === shown ? original : shown;
      }, TITLE_BLINK_MS);
    },
    stop() {
      clearInterval(timer);
      if (timer && doc.title === shown) doc.title = original;
      timer = undefined;
    },
  };
}
