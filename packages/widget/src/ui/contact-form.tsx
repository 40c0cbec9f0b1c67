import type { Strings } from '../i18n.js';
import { type ContactErrors, type ContactInput, FIELD_LIMITS } from '../validate.js';

/**
 * The pre-chat form (name, e-mail) and the offline form (name, e-mail, message): labelled
 * fields, errors tied to them with `aria-describedby`, browser validation off (ours matches
 * the relay's rules).
 */
export function ContactForm(props: {
  t: Strings;
  errors: ContactErrors;
  fields: (keyof ContactInput)[];
  intro?: string;
  /** A refusal to show above the fields (the relay did not take the message). */
  alert?: string | null | undefined;
  optional?: boolean;
  submit: string;
  onSubmit: (values: ContactInput) => void;
  onSkip?: (() => void) | undefined;
}) {
  const { t, errors } = props;
  return (
    <form
      class="f"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(Object.fromEntries(new FormData(e.currentTarget)) as never);
      }}
    >
      {props.intro && <p>{props.intro}</p>}
      {props.alert && (
        <p class="e" role="alert">
          {props.alert}
        </p>
      )}
      {props.fields.map((name) => {
        const error = errors[name];
        const id = `f-${name}`;
        const attrs = {
          id,
          name,
          maxLength: FIELD_LIMITS[name],
          'aria-invalid': error && ('true' as const),
          'aria-describedby': error && `${id}-e`,
        };
        return (
          // biome-ignore lint/a11y/noLabelWithoutControl: the control is inside, chosen below
          <label key={name}>
            <span>
              {t[name === 'text' ? 'message' : name]}
              {props.optional && ` (${t.optional})`}
            </span>
            {name === 'text' ? (
              <textarea {...attrs} />
            ) : name === 'email' ? (
              <input {...attrs} type="email" autoComplete="email" />
            ) : (
              <input {...attrs} type="text" autoComplete="name" />
            )}
            {error && (
              <span class="e" id={`${id}-e`}>
                {t[error]}
              </span>
            )}
          </label>
        );
      })}
      <div class="r">
        <button type="submit" class="pb">
          {props.submit}
        </button>
        {props.onSkip && (
          <button type="button" class="sb" onClick={props.onSkip}>
            {t.skip}
          </button>
        )}
      </div>
    </form>
  );
}
