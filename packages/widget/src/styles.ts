// The widget's one stylesheet, adopted into the shadow root (never a `style` attribute, so
// a strict CSP holds: CHECKLIST B20). `:host` rules carry !important because the host page's
// own rules (`* { all: unset }`, z-index wars: B21) otherwise win on the host element.
/**
 * The rules the closed launcher needs, and nothing else: the script tag's facade
 * (`widget.js`) draws the launcher with these alone, so it looks the same before and after
 * the app (`app.js`) adds `PANEL_CSS`.
 */
export const LAUNCHER_CSS = `
:host{all:initial!important;position:fixed!important;z-index:2147483647!important;bottom:20px!important;right:20px!important;display:block!important}
:host(.left){left:20px!important;right:auto!important}
*{box-sizing:border-box;font:inherit;margin:0;padding:0;color:inherit;background:none;border:0}
.w{font:15px/1.4 system-ui,sans-serif;color:#111}
:focus-visible{outline:3px solid #111;outline-offset:2px}
svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2}
.l{display:grid;place-items:center;width:56px;height:56px;border-radius:50%;box-shadow:0 4px 14px #0004;position:relative;background:var(--conduit-color);color:var(--conduit-text)}
`;

/**
 * Everything else: the unread badge, the panel, its views. Direction-neutral: in a `dir=rtl`
 * panel the flex rows and the bubbles' sides mirror by themselves; each bubble line and field takes
 * its direction from its own text (`plaintext`: English typed on an Arabic page reads left to
 * right, and an empty field's placeholder still right to left), links (URLs) are isolated
 * left-to-right runs.
 */
export const PANEL_CSS = `
.b{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:11px;background:#b91c1c;color:#fff;font-size:12px;line-height:22px}
.p{position:absolute;bottom:68px;right:0;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px #0005;overflow:hidden}
:host(.left) .p{left:0}
.h,.tb,.r,.c{display:flex;gap:8px;padding:8px 12px}
.r{padding:0}
.h{align-items:center}
.g{flex:1}
h2,.n,.pb{font-weight:700}
.tb,.x,.e,.s,.t,.k{font-size:13px}
.tb{border-bottom:1px solid #ddd}
.lk{color:#1d4ed8}
a,.lk{text-decoration:underline}
.m{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
.i{max-width:85%;padding:8px 11px;border-radius:12px;background:#eef0f3;white-space:pre-wrap;overflow-wrap:anywhere;align-self:flex-start;unicode-bidi:plaintext}
a{direction:ltr;unicode-bidi:isolate}
.v{align-self:flex-end}
.h,.v,.pb{background:var(--conduit-color);color:var(--conduit-text)}
.s{align-self:center;background:none}
.s,.x,.k{color:#444}
.n,.t{display:block}
.x{padding:0 14px}
.e{color:#b91c1c}
.c{border-top:1px solid #ddd;flex-wrap:wrap}
.c textarea{flex:1;height:42px;resize:none}
.k{width:100%;text-align:end}
textarea,input,.sb{padding:9px 10px;border:1px solid #767676;border-radius:8px;background:#fff;color:#111;unicode-bidi:plaintext}
.pb{padding:9px 14px;border-radius:8px}
.f{padding:16px;display:flex;flex-direction:column;gap:12px;overflow-y:auto}
label{display:flex;flex-direction:column;gap:4px;font-weight:600}
[aria-invalid=true]{border-color:#b91c1c}
.sr{position:absolute;clip-path:inset(50%)}
@media (max-width:640px){.p{position:fixed;inset:0;width:auto;height:var(--conduit-vh,100%);border-radius:0}:host(.open) .l{display:none}}
`;

/** The widget stylesheet. Theme: `--conduit-color`, `--conduit-text` (set by `themeCss`). */
export const CSS = LAUNCHER_CSS + PANEL_CSS;

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
