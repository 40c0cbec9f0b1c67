// Public API of @conduit-chat/widget (npm). Importing it touches no DOM (SSR-safe).
export type { Chat, ChatEvents, ChatOptions, MessageEvent } from './chat.js';
export { TYPING_IDLE_MS, visitorUrl } from './chat.js';
export type { Connection, ConnectionState } from './connection.js';
export { createChat } from './create-chat.js';
export type { WidgetErrorCode } from './errors.js';
export { WIDGET_ERROR_CODES, WidgetError } from './errors.js';
export type { StringKey, Strings, Texts } from './i18n.js';
export { LOCALES } from './i18n.js';
export type { Identity } from './identity.js';
