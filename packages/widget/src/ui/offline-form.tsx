import { LIMITS } from '@conduit-chat/protocol';
import { Field, formValues } from './field.js';
import type { FormProps } from './types.js';

/** Leave a message when no operator is online; a thank-you once the relay queued it. */
export function OfflineForm(
  props: FormProps & {
    sent: boolean;
    busy: boolean;
    onSubmit: (values: Record<string, string>) => void;
  },
) {
  const { t, errors } = props;
  if (props.sent) {
    return (
      <div class="f">
        <p role="status">{t.offlineSent}</p>
      </div>
    );
  }
  return (
    <form
      class="f"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!props.busy) props.onSubmit(formValues(e.currentTarget));
      }}
    >
      <p>{t.offlineIntro}</p>
      <Field name="name" label={t.name} t={t} error={errors.name} max={LIMITS.nameChars} />
      <Field name="email" label={t.email} t={t} error={errors.email} max={LIMITS.emailChars} />
      <Field
        name="text"
        label={t.message}
        t={t}
        error={errors.text}
        multiline
        max={LIMITS.textChars}
      />
      <div class="r">
        <button type="submit" class="pb" aria-disabled={props.busy ? 'true' : undefined}>
          {props.busy ? t.sending : t.offlineSend}
        </button>
      </div>
    </form>
  );
}
