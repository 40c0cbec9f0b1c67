import { overlay } from './texts.js';
/** Every string the widget shows, in English (the reference table). */
export const EN = {
  open: 'Open chat',
  minimize: 'Close',
  /** The panel header's button (the launcher's is `minimize`: two buttons, two names). */
  hide: 'Minimize chat',
  chat: 'Chat',
  online: 'Online',
  away: 'Away',
  unread: '{n} unread',
  message: 'Message',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Delivered',
  failed: 'Not sent',
  typing: '{name} is typing…',
  you: 'You',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected.',
  replaced: 'Open in another tab.',
  unavailable: 'Chat unavailable.',
  retry: 'Retry',
  name: 'Name',
  email: 'E-mail',
  optional: 'optional',
  start: 'Start',
  skip: 'Skip',
  required: 'Required.',
  badEmail: 'Invalid e-mail.',
  tooLong: 'Too long.',
  offline: 'We are away. Leave a message.',
  leave: 'Send',
  thanks: 'Thanks! We will reply by e-mail.',
  end: 'End chat',
  confirm: 'End this chat?',
  cancel: 'Cancel',
  ended: 'Chat ended.',
  newChat: 'New chat',
  lost: 'Previous chat lost.',
  download: 'Transcript',
  sound: 'Sound',
  newMessage: 'New message',
  truncated: 'Older messages hidden.',
  refused: 'Not sent.',
  later: 'Not sent: too many messages. Try again later.',
  /** After the launcher's label when the script tag's app file did not load. */
  loadFailed: 'could not load, try again',
};

/** The keys of the string table. */
export type StringKey = keyof typeof EN;

/** A complete string table. */
export type Strings = Record<StringKey, string>;

/** String tables by language code (the languages other than English). */
export type LocaleTables = Record<string, Partial<Strings>>;

/** What a site may override for one language: any string, and the greeting. */
export type Texts = Partial<Strings> & { greeting?: string };

/** Language codes shipped with the widget (tables in `src/locales/`). */
export const LOCALES = [
  'en',
  'de',
  'fr',
  'es',
  'pt',
  'ar',
  'he',
  'ja',
  'zh',
  'ru',
  'it',
  'nl',
  'pl',
  'tr',
];

/** The primary subtag of a BCP 47 tag, lower-cased: `pt-BR` → `pt`. */
export const primaryTag = (tag: string | undefined): string =>
  (tag ?? '').toLowerCase().split('-')[0] ?? '';

/** The shipped language for a BCP 47 tag: `de-AT` → `de`; anything unknown → `en`. */
export function localeCode(tag: string | undefined): string {
  const code = primaryTag(tag);
  return LOCALES.includes(code) ? code : 'en';
}

/** Whether a language is written right to left (of the shipped ones: Arabic, Hebrew). */
export const isRtl = (code: string): boolean => code === 'ar' || code === 'he';

/** A site's text overrides: `strings` (every language) and `texts` (`'*'`: every language; or one code). */
export interface TextOptions {
  strings?: Partial<Strings> | undefined;
  texts?: Record<string, Texts> | undefined;
}

/** The strings shown in language `lang`: English under the language's table and the site's overrides (`overlay`). May carry `greeting`. */
export function textsFor(
  lang: string,
  table: Partial<Strings> | undefined,
  o: TextOptions,
): Strings & Texts {
  return overlay(EN, lang, table, o);
}

/** Fills the placeholder of a string (`{n}`, `{name}`: each string has at most one). */
export function fill(text: string, value: string | number): string {
  return text.replace(/\{\w+\}/, () => String(value));
}
