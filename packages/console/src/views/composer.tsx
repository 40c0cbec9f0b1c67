import { type CannedResponse, LIMITS } from '@conduit-chat/protocol';
import { useState } from 'preact/hooks';

/** Props of `Composer`. */
export interface ComposerProps {
  canned: CannedResponse[];
  /** The draft to start from (kept per chat by the shell). */
  draft: string;
  onDraft: (text: string) => void;
  /** Sends; returns false when the message was not queued (the draft is kept). */
  onSend: (text: string) => boolean;
  onTyping: () => void;
}

// A `/shortcut` being typed at the end of the draft (at its start or after a space).
const SHORTCUT = /(^|\s)\/([a-z0-9_-]*)$/;

/**
 * The message box: Enter sends, Shift+Enter adds a line, a counter shows the limit, and
 * typing `/` offers the site's canned responses (arrows to choose, Enter or Tab to insert).
 */
export function Composer({ canned, draft, onDraft, onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState(draft);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const match = SHORTCUT.exec(text);
  const options =
    match && !dismissed ? canned.filter((c) => c.shortcut.startsWith(match[2] ?? '')) : [];
  const sel = Math.min(selected, Math.max(0, options.length - 1));
  const tooLong = text.length > LIMITS.textChars;

  const update = (value: string) => {
    setText(value);
    setDismissed(false);
    setSelected(0);
    onDraft(value);
  };
  const insert = (c: CannedResponse) => {
    if (!match) return;
    update(text.slice(0, match.index + (match[1]?.length ?? 0)) + c.text);
  };
  const submit = () => {
    if (tooLong || !text.trim()) return;
    if (onSend(text)) update('');
  };
  const keyDown = (e: KeyboardEvent) => {
    if (options.length > 0) {
      const choice = options[sel];
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : options.length - 1;
        setSelected((sel + step) % options.length);
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && choice) {
        e.preventDefault();
        insert(choice);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(true);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {options.length > 0 && (
        <div class="canned" role="listbox" id="canned-list" aria-label="Canned responses">
          {options.map((c, i) => (
            <div
              key={c.shortcut}
              role="option"
              tabIndex={-1}
              aria-selected={i === sel}
              class={i === sel ? 'selected' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(c);
              }}
            >
              <strong>/{c.shortcut}</strong> <span>{c.text}</span>
            </div>
          ))}
        </div>
      )}
      <textarea
        name="message"
        rows={3}
        aria-label="Message"
        aria-describedby="composer-count"
        aria-controls={options.length > 0 ? 'canned-list' : undefined}
        placeholder="Write a reply… (/ for canned responses)"
        value={text}
        onInput={(e) => {
          update((e.currentTarget as HTMLTextAreaElement).value);
          onTyping();
        }}
        onKeyDown={keyDown}
      />
      <div class="row">
        <span id="composer-count" class={tooLong ? 'count over' : 'count'}>
          {text.length} / {LIMITS.textChars}
        </span>
        <button type="submit" class="primary" disabled={tooLong || !text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
