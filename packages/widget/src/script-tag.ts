import { type Chat, type ChatEvents, type ChatOptions, createChat } from './chat.js';
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

const bool = (v: string | undefined) =>
  v === undefined ? undefined : v !== 'false' && v !== 'off';

/** Reads the widget options from the script element's `src` and `data-*` attributes. */
export function scriptOptions(script: HTMLScriptElement): ChatOptions {
  const d = script.dataset;
  const options: ChatOptions = {
    relay: d.relay || new URL(script.src, script.baseURI).origin,
    site: d.site ?? '',
  };
  if (d.locale) options.locale = d.locale;
  if (d.color) options.color = d.color;
  if (d.position === 'left' || d.position === 'right') options.position = d.position;
  if (d.connect === 'on-load' || d.connect === 'on-open') options.connect = d.connect;
  if (d.consent === 'granted') options.consent = true;
  if (d.prechat === 'off' || d.prechat === 'optional' || d.prechat === 'required') {
    options.preChat = d.prechat;
  }
  const open = bool(d.open);
  if (open !== undefined) options.open = open;
  const sound = bool(d.sound);
  if (sound !== undefined) options.sound = sound;
  const persist = bool(d.persist);
  if (persist !== undefined) options.persist = persist;
  return options;
}

/** Runs one queued or live command against `chat`. */
export function runCommand(chat: Chat, [name, ...args]: Command): void {
  switch (name) {
    case 'open':
    case 'close':
    case 'toggle':
    case 'destroy':
      chat[name]();
      break;
    case 'identify':
      chat.identify((args[0] ?? {}) as Parameters<Chat['identify']>[0]);
      break;
    case 'setPage':
      chat.setPage(args[0] as string | undefined, args[1] as string | undefined);
      break;
    case 'consent':
      chat.consent(args[0] === true);
      break;
    case 'on':
    case 'off':
      if (typeof args[1] === 'function') {
        chat[name](args[0] as keyof ChatEvents, args[1] as (p: unknown) => void);
      }
      break;
    default:
      throw new WidgetError('bad_option', `unknown command "${String(name)}".`);
  }
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
  if (!tag) throw new WidgetError('bad_option', 'script tag with data-site not found.');
  const chat = createChat(scriptOptions(tag));
  const queued = win.Conduit?.q ?? [];
  const run = (...command: Command) => {
    try {
      runCommand(chat, command);
    } catch (error) {
      console.error(error);
    }
  };
  const conduit: CommandFunction = (...command) => run(...command);
  conduit.chat = chat;
  win.Conduit = conduit;
  for (const command of Array.from(queued)) run(...(Array.from(command) as Command));
  return chat;
}
