// Stable error codes of the relay package (not wire codes: those are the protocol's).

/** Every relay error code with its meaning. Codes never change meaning. */
export const RELAY_ERROR_CODES = {
  config_invalid: 'The configuration failed validation.',
  config_unreadable: 'The configuration file could not be read or is not JSON.',
  listen_failed: 'The transport could not listen on the given host and port.',
  port_in_use: 'Another process already listens on the given host and port.',
  transport_unavailable: 'The requested transport cannot run here.',
  tls_invalid: 'A TLS certificate or key file is missing, unreadable, not PEM, or refused.',
} as const;

/** One of the relay's error codes. */
export type RelayErrorCode = keyof typeof RELAY_ERROR_CODES;

/** Every relay error code, in table order. */
export const RELAY_ERROR_CODE_LIST = Object.keys(RELAY_ERROR_CODES) as RelayErrorCode[];

/** An error thrown by the relay's API (`startRelay`, `loadConfig`): stable `code`, optional `cause`. */
export class RelayError extends Error {
  override readonly name = 'RelayError';
  readonly code: RelayErrorCode;
  constructor(code: RelayErrorCode, message: string = RELAY_ERROR_CODES[code], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}
