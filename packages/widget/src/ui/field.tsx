import type { StringKey, Strings } from '../i18n.js';

/** A labelled input (or textarea) with its error message wired for assistive tech. */
export function Field(props: {
  name: 'name' | 'email' | 'text';
  label: string;
  t: Strings;
  error: StringKey | undefined;
  optional?: boolean;
  multiline?: boolean;
  max: number;
}) {
  const { name, t, error } = props;
  const id = `f-${name}`;
  const common = {
    id,
    name,
    maxLength: props.max,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': error ? `${id}-e` : undefined,
  };
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the input or textarea is inside, chosen below
    <label>
      <span>
        {props.label}
        {props.optional && ` (${t.optional})`}
      </span>
      {props.multiline ? (
        <textarea {...common} />
      ) : name === 'email' ? (
        <input {...common} type="email" autoComplete="email" />
      ) : (
        <input {...common} type="text" autoComplete="name" />
      )}
      {error && (
        <span class="e" id={`${id}-e`}>
          {t[error]}
        </span>
      )}
    </label>
  );
}

/** Reads a submitted form's fields as strings. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of Array.from(form.elements)) {
    const field = el as HTMLInputElement;
    if (field.name) out[field.name] = field.value;
  }
  return out;
}
