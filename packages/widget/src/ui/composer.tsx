import { LIMITS } from '@conduit-chat/protocol';
import type { Strings } from '../i18n.js';

/**
 * The message box: Enter sends, Shift+Enter adds a line; the character count shows once the
 * text nears `LIMITS.textChars`.
 */
export function Composer(props: {
  t: Strings;
  length: number;
  onInput: (length: number) => void;
  onSend: (text: string) => void;
}) {
  const { t, length } = props;
  const max = LIMITS.textChars;
  const send = (box: HTMLTextAreaElement) => {
    const text = box.value.trim();
    if (!text || box.value.length > max) return;
    props.onSend(text);
    box.value = '';
  };
  return (
    <form
      class="c"
      onSubmit={(e) => {
        e.preventDefault();
        send(e.currentTarget.elements[0] as HTMLTextAreaElement);
      }}
    >
      <textarea
        rows={1}
        maxLength={max}
        aria-label={t.message}
        placeholder={`${t.message}…`}
        onInput={(e) => props.onInput(e.currentTarget.value.length)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send(e.currentTarget);
          }
        }}
      />
      <button type="submit" class="pb">
        {t.send}
      </button>
      {length > max * 0.8 && (
        <span class="k" aria-live="polite">
          {length}/{max}
        </span>
      )}
    </form>
  );
}
