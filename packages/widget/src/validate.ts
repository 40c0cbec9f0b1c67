import { isEmail, LIMITS } from '@conduit-chat/protocol';
import type { StringKey } from './i18n.js';

/** A contact form as typed (pre-chat or offline form). */
export interface ContactInput {
  name: string;
  email: string;
  text?: string;
}

/** Per-field error keys (i18n), empty when the form is valid. */
export type ContactErrors = Partial<Record<keyof ContactInput, StringKey>>;

/** Longest value of each contact field (the relay's limits). */
export const FIELD_LIMITS = {
  name: LIMITS.nameChars,
  email: LIMITS.emailChars,
  text: LIMITS.textChars,
};

/**
 * Checks a contact form against the relay's limits and its strict e-mail rule (SECURITY.md
 * B7), so the visitor sees the problem next to the field instead of a refused frame.
 * Values come back trimmed; the relay strips control and bidi characters where they enter.
 * `required` lists the fields that must not be empty.
 */
export function validateContact(
  input: ContactInput,
  required: readonly (keyof ContactInput)[],
): { errors: ContactErrors; value: ContactInput } {
  const errors: ContactErrors = {};
  const value = { ...input };
  for (const key of ['name', 'email', 'text'] as const) {
    const v = input[key]?.trim();
    if (v === undefined) continue;
    value[key] = v;
    if (v.length > FIELD_LIMITS[key]) errors[key] = 'tooLong';
    else if (!v) {
      if (required.includes(key)) errors[key] = 'required';
    } else if (key === 'email' && !isEmail(v)) errors[key] = 'badEmail';
  }
  return { errors, value };
}
