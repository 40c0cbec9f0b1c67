import { LIMITS } from '@conduit-chat/protocol';
import type { Ref } from 'preact';
import { fill, type Strings } from '../i18n.js';

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
  const { t } = props;
  const max = LIMITS.textChars;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <div class="c">
        <textarea
          ref={props.inputRef}
          rows={1}
          maxLength={max}
          aria-label={t.message}
          placeholder={t.placeholder}
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
      </div>
      {props.length > max * 0.8 && (
        <div class="k" aria-live="polite">
          {fill(t.count, { n: props.length, max })}
        </div>
      )}
    </form>
  );
}
