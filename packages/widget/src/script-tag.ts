// What both script-tag files share: reading the tag, the command queue's shape, file URLs.
// Types only from chat.ts: the facade (widget.js) must not pull in the chat itself.
import type { Chat, ChatOptions } from './chat.js';
import { WidgetError } from './errors.js';

/** A command as queued by the snippet: `Conduit('open')`, `Conduit('on', 'message', fn)`. */
export type Command = [name: string, ...args: unknown[]];

/** `window.Conduit`: a function with, before the script loads, a queue `q` of commands. */
export interface CommandFunction {
  (...command: Command): void;
  q?: ArrayLike<unknown>[];
  /** The chat: the facade's, whose methods reach the real chat once `app.js` has arrived. */
  chat?: Chat;
}

// data-* attributes and the values each accepts ('' = any non-empty string; '!' = a flag
// where "false"/"off" mean off and anything else on).
const ATTRIBUTES: [keyof ChatOptions, string][] = [
  ['locale', ''],
  ['color', ''],
  ['position', 'left right'],
  ['connect', 'on-load on-open'],
  ['preChat', 'off optional required'],
  ['open', '!'],
  ['sound', '!'],
  ['persist', '!'],
  ['theme', 'auto light dark'],
  ['logo', ''],
  ['hideLauncher', '!'],
];

/** Reads the widget options from the script element's `src` and `data-*` attributes. */
export function scriptOptions(script: HTMLScriptElement): ChatOptions {
  const d = script.dataset;
  const options: Record<string, unknown> = {
    relay: d.relay || new URL(script.src, script.baseURI).origin,
    site: d.site ?? '',
  };
  for (const [key, allowed] of ATTRIBUTES) {
    const v = d[key.toLowerCase()];
    if (!v) continue;
    if (allowed === '!') options[key] = v !== 'false' && v !== 'off';
    else if (!allowed || allowed.split(' ').includes(v)) options[key] = v;
  }
  if (d.consent === 'granted') options.consent = true;
  // data-text-<key> (every language), data-text-<lang>-<key> (one language): README "Texts".
  const texts: Record<string, Record<string, string | undefined>> = {};
  for (const name in d) {
    const [, lang = '*', first = '', rest] = name.match(/^text([A-Z][a-z])?([A-Z])(\w*)$/) ?? [];
    if (!first) continue;
    const code = lang.toLowerCase();
    texts[code] = { ...texts[code], [first.toLowerCase() + rest]: d[name] };
    options.texts = texts;
  }
  return options as unknown as ChatOptions;
}

/** A site id as the relay config allows it. */
export const SITE_ID = /^[\w-]{1,128}$/;

/** `<data-relay>/widget/<file>`, else `widget/<file>` beside the widget script (the relay serves both). */
function widgetFileUrl(script: HTMLScriptElement, file: string): string {
  const relay = script.dataset.relay;
  return relay
    ? `${relay.replace(/\/+$/, '')}/widget/${file}`
    : new URL(`widget/${file}`, script.src).href;
}

/** Where the script tag's language file is: `…/widget/locales/<code>.js` (see `widgetFileUrl`). */
export function localeUrl(script: HTMLScriptElement, code: string): string {
  return widgetFileUrl(script, `locales/${code}.js`);
}

/** Where the script tag's app file is: `…/widget/app.js` (see `widgetFileUrl`). */
export function appUrl(script: HTMLScriptElement): string {
  return widgetFileUrl(script, 'app.js');
}

/**
 * Runs one queued or live command against `chat`: `Conduit('identify', {...})` →
 * `chat.identify({...})`. The commands are exactly the methods of `Chat`.
 */
export function runCommand(chat: Chat, [name, ...args]: Command): void {
  if (!Object.hasOwn(chat, name)) throw new WidgetError('bad_option', `command ${name}`);
  (chat[name as keyof Chat] as (...a: unknown[]) => void)(...args);
}
