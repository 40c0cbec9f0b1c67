import { LIMITS } from '@conduit-chat/protocol';
import type { Strings } from '../i18n.js';
import type { ContactErrors, ContactInput } from '../validate.js';

type FieldName = keyof ContactInput;

const MAX: Record<FieldName, number> = {
  name: LIMITS.nameChars,
  email: LIMITS.emailChars,
  text: LIMITS.textChars,
};

/**
 * The pre-chat form (name, e-mail) and the offline form (name, e-mail, message): labelled
 * fields, errors tied to them with `aria-describedby`, browser validation off (ours matches
 * the relay's rules).
 */
export function ContactForm(props: {
  t: Strings;
  errors: ContactErrors;
  fields: FieldName[];
  intro?: string;
  optional?: boolean;
  submit: string;
  onSubmit: (values: Record<string, string>) => void;
  onSkip?: (() => void) | undefined;
}) {
  const { t, errors } = props;
  return (
    <form
      class="f"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const values: Record<string, string> = {};
        for (const el of Array.from(e.currentTarget.elements) as HTMLInputElement[]) {
          if (el.name) values[el.name] = el.value;
        }
        props.onSubmit(values);
      }}
    >
      {props.intro && <p>{props.intro}</p>}
      {props.fields.map((name) => {
        const error = errors[name];
        const id = `f-${name}`;
        const attrs = {
          id,
          name,
          maxLength: MAX[name],
          'aria-invalid': error ? ('true' as const) : undefined,
          'aria-describedby': error ? `${id}-e` : undefined,
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
