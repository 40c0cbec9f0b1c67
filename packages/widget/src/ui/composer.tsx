import { LIMITS } from '@conduit-chat/protocol';
import type { Ref } from 'preact';
import type { Strings } from '../i18n.js';

/**
 * The message box: Enter sends, Shift+Enter adds a line; the character count shows once the
 * text nears `LIMITS.textChars`.
 */
export function Composer(props: {
  t: Strings;
  length: number;
  inputRef: Ref<HTMLTextAreaElement>;
  onInput: (length: number) => void;
  onSubmit: () => void;
}) {
  const { t, length } = props;
  const max = LIMITS.textChars;
  return (
    <form
      class="c"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <textarea
        ref={props.inputRef}
        rows={1}
        maxLength={max}
        aria-label={t.message}
        placeholder={`${t.message}…`}
        onInput={(e) => props.onInput(e.currentTarget.value.length)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            props.onSubmit();
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
