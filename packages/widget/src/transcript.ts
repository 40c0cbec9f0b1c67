import type { ChatMessage } from './chat-store.js';
import type { Strings } from './i18n.js';

/**
 * The conversation as plain text, one block per message (`[time] author: text`), made in the
 * browser for "Download transcript". System notices are skipped.
 */
export function transcriptText(
  messages: readonly ChatMessage[],
  t: Strings,
  title: string,
  locale?: string,
): string {
  const when = (at: number) => new Date(at).toLocaleString(locale);
  const lines = [`${title} — ${when(Date.now())}`, ''];
  for (const m of messages) {
    if (m.from === 'system') continue;
    const who = m.from === 'visitor' ? t.you : m.name || t.chat;
    lines.push(`[${when(m.at)}] ${who}: ${m.text.replace(/\n/g, '\n  ')}`);
  }
  return `${lines.join('\n')}\n`;
}
