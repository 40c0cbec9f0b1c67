// The widget's one stylesheet, adopted into the shadow root (never a `style` attribute, so
// a strict CSP holds: SECURITY.md B20). `:host` rules carry !important because the host page's
// own rules (`* { all: unset }`, z-index wars: B21) otherwise win on the host element.
/**
 * The rules the closed launcher needs, and nothing else: the script tag's facade
 * (`widget.js`) draws the launcher with these alone, so it looks the same before and after
 * the app (`app.js`) adds `PANEL_CSS`.
 */
export const LAUNCHER_CSS = `
:host{all:initial!important;position:fixed!important;z-index:2147483647!important;bottom:max(20px,env(safe-area-inset-bottom))!important;right:max(20px,env(safe-area-inset-right))!important;display:block!important}
:host(.left){left:max(20px,env(safe-area-inset-left))!important;right:auto!important}
*{box-sizing:border-box;font:inherit;margin:0;padding:0;color:inherit;background:none;border:0}
.w{font:15px/1.4 system-ui,sans-serif;color:#111}
:focus-visible{outline:3px solid #111;outline-offset:2px}
svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2}
.l{display:grid;place-items:center;width:56px;height:56px;border-radius:50%;box-shadow:0 4px 14px #0004;position:relative;background:var(--conduit-color);color:var(--conduit-text)}
`;

/** Default theme colour (contrast with white text: 5.2:1). */
export const DEFAULT_COLOR = '#2563eb';

/**
 * The theme rules for `color` (`#rrggbb`, anything else falls back to the default): the text
 * on it is white or near-black, whichever contrasts more (≥ 4.5:1 for mid tones too).
 */
export function themeCss(color: string | undefined, viewportHeight?: number): string {
  const c = color && /^#[0-9a-f]{6}$/i.test(color) ? color : DEFAULT_COLOR;
  // WCAG relative luminance. The sRGB curve's linear toe is left out: it changes a luminance
  // by less than 0.001, which moves no colour across the threshold below.
  const l = [0.2126, 0.7152, 0.0722].reduce(
    (sum, weight, i) =>
      sum +
      weight * ((Number.parseInt(c.slice(i * 2 + 1, i * 2 + 3), 16) / 255 + 0.055) / 1.055) ** 2.4,
    0,
  );
  // White and black contrast equally at √(1.05 · 0.05) − 0.05 ≈ 0.179.
  const text = l < 0.179 ? '#fff' : '#111';
  const vh = viewportHeight ? `--conduit-vh:${Math.round(viewportHeight)}px;` : '';
  return `:host{--conduit-color:${c};--conduit-text:${text};${vh}}`;
}
