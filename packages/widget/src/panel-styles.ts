// The app's rules on top of the facade's LAUNCHER_CSS (styles.ts): app.js ships only these,
// the launcher's rules come from the facade (shared.ts).
/**
 * Everything but the closed launcher: the unread badge, the panel, its views; the light and
 * dark colours (`:host(.dk)`, issue #15); the full-screen panel on small screens, which
 * follows the visual viewport (`--conduit-vt`/`--conduit-vh`, set while it is open), keeps
 * clear of notches and home bars (safe-area insets) and has 44 px touch targets. Inputs are
 * 16 px everywhere: smaller text makes iOS zoom the page on focus. Direction-neutral: in a
 * `dir=rtl` panel the flex rows and the bubbles' sides mirror by themselves; each bubble line and
 * field takes its direction from its own text (`plaintext`: English typed on an Arabic page reads
 * left to right, an empty field's placeholder still right to left); links (URLs) are isolated
 * left-to-right runs.
 */
export const PANEL_CSS = `
:host{--conduit-bg:#fff;--conduit-fg:#111;--conduit-bubble:#eef0f3;--conduit-muted:#444;--conduit-link:#1d4ed8;--conduit-error:#b91c1c;--conduit-line:#ddd;--conduit-field:#767676}
:host(.dk){--conduit-bg:#1c1d21;--conduit-fg:#eee;--conduit-bubble:#2f3238;--conduit-muted:#c4c4c4;--conduit-link:#9ab8ff;--conduit-error:#ff9b9b;--conduit-line:#444;--conduit-field:#8a8a8a}
:host(.dk) .p{color-scheme:dark}
:host(.dk) :focus-visible{outline-color:#fff}
.b{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:11px;background:#b91c1c;color:#fff;font-size:12px;line-height:22px}
.p{position:absolute;bottom:68px;right:0;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--conduit-bg);color:var(--conduit-fg);border-radius:14px;box-shadow:0 10px 40px #0005;overflow:hidden}
:host(.left) .p{left:0}
:host(.nl) .p{bottom:0}
.h,.tb,.r,.c{display:flex;gap:8px;padding:8px 12px}
.r{padding:0}
.h{align-items:center}
.lg{width:32px;height:32px;border-radius:50%;object-fit:cover}
.g{flex:1}
h2,.n,.pb{font-weight:700}
.tb,.x,.e,.s,.t,.k{font-size:13px}
.tb{border-bottom:1px solid var(--conduit-line)}
.lk{color:var(--conduit-link)}
.lk[aria-pressed=false]{text-decoration:line-through}
a,.lk{text-decoration:underline}
.m{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}
.i{max-width:85%;padding:8px 11px;border-radius:12px;background:var(--conduit-bubble);white-space:pre-wrap;overflow-wrap:anywhere;align-self:flex-start;unicode-bidi:plaintext}
a{direction:ltr;unicode-bidi:isolate}
.v{align-self:flex-end}
.h,.v,.pb{background:var(--conduit-color);color:var(--conduit-text)}
.s{align-self:center;background:none}
.s,.x,.k{color:var(--conduit-muted)}
.n,.t{display:block}
.x{padding:0 14px}
.e{color:var(--conduit-error)}
.c{border-top:1px solid var(--conduit-line);flex-wrap:wrap}
.c textarea{flex:1;height:42px;resize:none}
.k{width:100%;text-align:end}
textarea,input,.sb{padding:9px 10px;border:1px solid var(--conduit-field);border-radius:8px;background:var(--conduit-bg);color:var(--conduit-fg);unicode-bidi:plaintext}
textarea,input{font-size:16px}
.pb{padding:9px 14px;border-radius:8px}
.f{padding:16px;display:flex;flex-direction:column;gap:12px;overflow-y:auto}
label{display:flex;flex-direction:column;gap:4px;font-weight:600}
[aria-invalid=true]{border-color:var(--conduit-error)}
.sr{position:absolute;clip-path:inset(50%)}
@media (max-width:640px){.p{position:fixed;inset:var(--conduit-vt,0) 0 auto;width:auto;height:var(--conduit-vh,100%);border-radius:0;padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}:host(.open) .l{display:none}}
@media (max-width:640px),(pointer:coarse){button,.c textarea{min-height:44px}button{min-width:44px}}
`;
