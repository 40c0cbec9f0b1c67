import { cleanLine, cleanText, isEmail, LIMITS } from '@conduit-chat/protocol';
import type { StringKey } from './i18n.js';

/** A contact form as typed (pre-chat or offline form). */
export interface ContactInput {
  name: string;
  email: string;
  text?: string;
}

/** Per-field error keys (i18n), empty when the form is valid. */
export type ContactErrors = Partial<Record<keyof ContactInput, StringKey>>;

/**
 * Checks a contact form the way the relay will (same sanitizers, same limits), so the visitor
 * sees the problem next to the field instead of a refused frame. `required` lists the fields
 * that must not be empty.
 */
export function validateContact(
  input: ContactInput,
  required: readonly (keyof ContactInput)[],
): { errors: ContactErrors; value: ContactInput } {
  const errors: ContactErrors = {};
  const name = cleanLine(input.name, LIMITS.nameChars);
  const email = input.email.trim();
  const value: ContactInput = { name, email };
  if (input.name.length > LIMITS.nameChars) errors.name = 'tooLong';
  else if (!name && required.includes('name')) errors.name = 'required';
  if (!email) {
    if (required.includes('email')) errors.email = 'required';
  } else if (!isEmail(email)) errors.email = 'badEmail';
  if (input.text !== undefined) {
    value.text = cleanText(input.text);
    if (input.text.length > LIMITS.textChars) errors.text = 'tooLong';
    else if (!value.text && required.includes('text')) errors.text = 'required';
  }
  return { errors, value };
}
