import { type Chat, type ChatOptions, chatCore } from './chat.js';
import { WidgetError } from './errors.js';
import { localeCode } from './i18n.js';
import { loadLocale } from './locale-loader.js';

/** A command as queued by the snippet: `Conduit('open')`, `Conduit('on', 'message', fn)`. */
export type Command = [name: string, ...args: unknown[]];

/** `window.Conduit`: a function with, before the script loads, a queue `q` of commands. */
export interface CommandFunction {
  (...command: Command): void;
  q?: ArrayLike<unknown>[];
  /** The running chat, once the script has loaded. */
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
  return options as unknown as ChatOptions;
}

/**
 * Where the script tag's language file is: `<data-relay>/widget/locales/<code>.js`, else
 * `widget/locales/<code>.js` beside the widget script (the relay serves both).
 */
export function localeUrl(script: HTMLScriptElement, code: string): string {
  const file = `widget/locales/${code}.js`;
  const relay = script.dataset.relay;
  return relay ? `${relay.replace(/\/+$/, '')}/${file}` : new URL(file, script.src).href;
}

/**
 * Runs one queued or live command against `chat`: `Conduit('identify', {...})` →
 * `chat.identify({...})`. The commands are exactly the methods of `Chat`.
 */
export function runCommand(chat: Chat, [name, ...args]: Command): void {
  if (!Object.hasOwn(chat, name)) throw new WidgetError('bad_option', `command ${name}`);
  (chat[name as keyof Chat] as (...a: unknown[]) => void)(...args);
}

/**
 * Script-tag boot: creates the chat from the tag's attributes (English built in; another
 * language loaded from `localeUrl`), replays the commands queued on `window.Conduit` in
 * order, then makes `window.Conduit` run commands directly.
 */
export function bootScriptTag(
  script: HTMLScriptElement | null,
  win: Window & { Conduit?: CommandFunction },
) {
  const tag =
    script ?? win.document.querySelector<HTMLScriptElement>('script[data-site][src*="widget"]');
  if (!tag) throw new WidgetError('bad_option', 'no script tag with data-site');
  const options = scriptOptions(tag);
  const { chat, addStrings } = chatCore(options, {});
  const code = localeCode(options.locale ?? navigator.language);
  if (code !== 'en') {
    // The nonce is read now, while the tag runs: a strict nonce CSP then allows the file too.
    const stop = loadLocale(win.document, localeUrl(tag, code), code, tag.nonce ?? '', addStrings);
    const destroy = chat.destroy;
    chat.destroy = () => {
      stop();
      destroy();
    };
  }
  const queued = win.Conduit?.q ?? [];
  const run = (...command: Command) => {
    try {
      runCommand(chat, command);
    } catch (error) {
      console.error(error);
    }
  };
  const conduit: CommandFunction = run;
  conduit.chat = chat;
  win.Conduit = conduit;
  for (const command of Array.from(queued)) run(...(Array.from(command) as Command));
  return chat;
}
