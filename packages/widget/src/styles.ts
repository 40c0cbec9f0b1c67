// The widget's one stylesheet, adopted into the shadow root (never a `style` attribute, so
// a strict CSP holds: CHECKLIST B20). `:host` rules carry !important because the host page's
// own rules (`* { all: unset }`, z-index wars: B21) otherwise win on the host element.
/** The widget stylesheet. Theme: `--conduit-color`, `--conduit-text` (set by `themeCss`). */
export const CSS = `
:host{all:initial!important;position:fixed!important;z-index:2147483647!important;bottom:20px!important;right:20px!important;left:auto!important;top:auto!important;display:block!important;width:auto!important;height:auto!important;margin:0!important;transform:none!important;opacity:1!important;visibility:visible!important;pointer-events:auto!important}
:host(.left){left:20px!important;right:auto!important}
*{box-sizing:border-box;font:inherit;margin:0;padding:0;color:inherit}
.w{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;text-align:left;direction:ltr}
button,input,textarea{border:0;background:none;letter-spacing:normal;text-transform:none}
button{cursor:pointer}
:focus-visible{outline:3px solid #111;outline-offset:2px;box-shadow:0 0 0 5px #fff}
.l{position:relative;width:56px;height:56px;border-radius:50%;background:var(--conduit-color);color:var(--conduit-text);display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25);margin-left:auto}
:host(.left) .l{margin-left:0}
.l svg{width:28px;height:28px;fill:currentColor}
.b{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b91c1c;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}
.p{position:absolute;bottom:68px;right:0;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.28);overflow:hidden}
:host(.left) .p{right:auto;left:0}
.h{background:var(--conduit-color);color:var(--conduit-text);padding:12px 14px;display:flex;align-items:center;gap:8px}
.h h2{font-weight:700;font-size:16px}
.h p{font-size:13px}
.h .g{flex:1;min-width:0}
.ib{width:36px;height:36px;border-radius:8px;display:grid;place-items:center;flex:none}
.ib svg{width:20px;height:20px;fill:currentColor}
.ib[aria-pressed=false]{text-decoration:line-through}
.tb{display:flex;gap:6px;padding:6px 10px;border-bottom:1px solid #ddd;background:#f7f7f8}
.lk{font-size:13px;padding:4px 8px;border-radius:6px;color:#1d4ed8;text-decoration:underline}
.m{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
.i{max-width:85%;padding:8px 11px;border-radius:12px;background:#eef0f3;white-space:pre-wrap;overflow-wrap:anywhere;align-self:flex-start}
.i.v{align-self:flex-end;background:var(--conduit-color);color:var(--conduit-text)}
.i.s{align-self:center;background:none;color:#444;font-size:13px;text-align:center}
.i a{color:inherit;text-decoration:underline}
.n{display:block;font-size:12px;font-weight:700}
.t{display:block;font-size:11px;margin-top:2px}
.x{font-size:13px;color:#444;padding:0 14px 4px;min-height:18px}
.e{font-size:13px;color:#b91c1c}
.c{border-top:1px solid #ddd;padding:8px;display:flex;gap:8px;align-items:flex-end}
.c textarea{flex:1;resize:none;min-height:40px;max-height:120px;padding:9px 10px;border:1px solid #767676;border-radius:8px;background:#fff;color:#111}
.k{font-size:11px;color:#444;padding:0 10px 6px;text-align:right}
.pb{background:var(--conduit-color);color:var(--conduit-text);border-radius:8px;padding:9px 14px;font-weight:700}
.sb{border:1px solid #767676;border-radius:8px;padding:8px 14px;color:#111;background:#fff}
.f{padding:16px;display:flex;flex-direction:column;gap:12px;overflow-y:auto}
.f label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}
.f input,.f textarea{font-weight:400;padding:9px 10px;border:1px solid #767676;border-radius:8px;background:#fff;color:#111}
.f textarea{min-height:100px;resize:vertical}
.f [aria-invalid=true]{border-color:#b91c1c}
.r{display:flex;gap:8px;flex-wrap:wrap}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){
.p{position:fixed;inset:0;width:100%;height:var(--conduit-vh,100%);border-radius:0}
:host(.open) .l{display:none}
}
`;

/** Relative luminance of `#rrggbb` (WCAG 2.x). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Default theme colour (contrast with white text: 5.2:1). */
export const DEFAULT_COLOR = '#2563eb';

/**
 * The theme rules for `color` (`#rrggbb`, anything else falls back to the default): the text
 * on it is white or near-black, whichever contrasts more (≥ 4.5:1 for mid tones too).
 */
export function themeCss(color: string | undefined, viewportHeight?: number): string {
  const c = color && /^#[0-9a-f]{6}$/i.test(color) ? color : DEFAULT_COLOR;
  const l = luminance(c);
  const text = 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#fff' : '#111';
  const vh = viewportHeight ? `--conduit-vh:${Math.round(viewportHeight)}px;` : '';
  return `:host{--conduit-color:${c};--conduit-text:${text};${vh}}`;
}
