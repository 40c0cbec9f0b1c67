/**
 * Stable error codes sent in `error {code, message}` frames and HTTP error bodies.
 * Codes never change meaning; messages are for people and may change.
 */
export const ERROR_CODES = {
  too_large: 'Frame exceeds the size limit.',
  bad_json: 'Frame is not valid JSON text.',
  too_deep: 'Frame is nested too deeply.',
  forbidden_key: 'Frame contains a forbidden key (__proto__, constructor or prototype).',
  not_object: 'Frame is not a JSON object with a string "t".',
  unknown_type: 'Frame type "t" is not known in this direction.',
  invalid_frame: 'Frame fields are missing or invalid.',
  bad_version: 'Protocol version is not supported.',
  not_ready: 'Send hello (visitor) or auth (operator) first.',
  auth_failed: 'Operator key is not valid for this site.',
  unknown_session: 'No such session.',
  forbidden: 'Not allowed for this connection.',
  session_ended: 'The session has ended.',
  rate_limited: 'Too many frames; slow down.',
  offline_limited: 'Too many offline messages from this address; try again later.',
  limit_reached: 'A relay limit was reached (sessions, history, connections).',
  no_recipients: 'The site does not accept offline messages.',
  origin_refused: "This page's origin may not use this site's chat.",
  identity_refused: 'This site accepts only verified identities (a matching id and hash).',
  internal: 'Internal relay error.',
} as const;

/** One of the stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Every error code, in table order. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** An error with a stable code and a human message, as sent on the wire. */
export interface WireError {
  code: ErrorCode;
  message: string;
}
