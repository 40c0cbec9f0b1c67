import { type Chat, type ChatOptions, chatCore } from './chat.js';
import { primaryTag } from './i18n.js';
import { LAZY_TABLES } from './locales/lazy-tables.js';

/**
 * Creates the chat widget: draws the launcher and nothing else until the visitor opens it
 * (or `connect: "on-load"` with consent). Call in a browser; importing the module is SSR-safe.
 * English is built in; another language's table is a chunk of its own, imported on demand
 * (English shows until it has arrived, as with the script tag's language files).
 * @example
 * const chat = createChat({ relay: 'https://chat.example.com', site: 'acme' });
 * chat.on('unread', ({ count }) => (badge.textContent = String(count)));
 */
export function createChat(options: ChatOptions): Chat {
  const core = chatCore(options, {});
  const code = primaryTag(options.locale ?? navigator.language);
  if (Object.hasOwn(LAZY_TABLES, code)) {
    // A chunk that fails to load (offline, a moved file) leaves English in place.
    LAZY_TABLES[code]?.().then(core.addStrings, () => {});
  }
  return core.chat;
}
