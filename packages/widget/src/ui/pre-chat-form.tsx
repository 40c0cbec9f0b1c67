import { LIMITS } from '@conduit-chat/protocol';
import { Field, formValues } from './field.js';
import type { FormProps } from './types.js';

/** Name and e-mail before the chat starts (site setting `preChat: optional | required`). */
export function PreChatForm(
  props: FormProps & {
    required: boolean;
    onSubmit: (values: Record<string, string>) => void;
    onSkip: () => void;
  },
) {
  const { t, errors, required } = props;
  return (
    <form
      class="f"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(formValues(e.currentTarget));
      }}
    >
      <p>{t.preChat}</p>
      <Field
        name="name"
        label={t.name}
        t={t}
        error={errors.name}
        optional={!required}
        max={LIMITS.nameChars}
      />
      <Field
        name="email"
        label={t.email}
        t={t}
        error={errors.email}
        optional={!required}
        max={LIMITS.emailChars}
      />
      <div class="r">
        <button type="submit" class="pb">
          {t.start}
        </button>
        {!required && (
          <button type="button" class="sb" onClick={props.onSkip}>
            {t.skip}
          </button>
        )}
      </div>
    </form>
  );
}
