/** Interval of the title blink, ms. */
export const TITLE_BLINK_MS = 1000;

/**
 * Draws the visitor's eye to a new operator message while the panel is closed or the tab is
 * hidden: a short beep (Web Audio, no file to fetch) and a blinking document title.
 */
export class Attention {
  private timer: ReturnType<typeof setInterval> | undefined;
  private original = '';
  private blinkText = '';

  constructor(private readonly doc: Document) {}

  /** Plays a short, quiet tone; silently does nothing where audio is unavailable. */
  beep(): void {
    try {
      const Ctx = (this.doc.defaultView as (Window & typeof globalThis) | null)?.AudioContext;
      if (!Ctx) return;
      const ctx = new Ctx();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.05;
      osc.connect(gain).connect(ctx.destination);
      osc.onended = () => void ctx.close();
      osc.start();
      osc.stop(ctx.currentTime + 0.15);
    } catch {
      // Audio blocked or missing: the badge and the title still tell.
    }
  }

  /** Alternates the page title with `text` until `stop()`. */
  blink(text: string): void {
    this.blinkText = text;
    if (this.timer) return;
    this.original = this.doc.title;
    this.timer = setInterval(() => {
      const now = this.doc.title;
      // The page changed its own title meanwhile: that becomes the one to restore.
      if (now !== this.blinkText && now !== this.original) this.original = now;
      this.doc.title = now === this.blinkText ? this.original : this.blinkText;
    }, TITLE_BLINK_MS);
  }

  /** Stops blinking and restores the page's title. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.doc.title === this.blinkText) this.doc.title = this.original;
  }
}
