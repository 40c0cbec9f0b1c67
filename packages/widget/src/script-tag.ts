import { type Chat, type ChatOptions, createChat } from './chat.js';
import { WidgetError } from './errors.js';

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
 * Runs one queued or live command against `chat`: `Conduit('identify', {...})` →
 * `chat.identify({...})`. The commands are exactly the methods of `Chat`.
 */
export function runCommand(chat: Chat, [name, ...args]: Command): void {
  if (!Object.hasOwn(chat, name)) throw new WidgetError('bad_option', `command ${name}`);
  (chat[name as keyof Chat] as (...a: unknown[]) => void)(...args);
}

/**
 * Script-tag boot: creates the chat from the tag's attributes, replays the commands queued
 * on `window.Conduit` in order, then makes `window.Conduit` run commands directly.
 */
export function bootScriptTag(
  script: HTMLScriptElement | null,
  win: Window & { Conduit?: CommandFunction },
) {
  const tag =
    script ?? win.document.querySelector<HTMLScriptElement>('script[data-site][src*="widget"]');
  if (!tag) throw new WidgetError('bad_option', 'no script tag with data-site');
  const chat = createChat(scriptOptions(tag));
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
