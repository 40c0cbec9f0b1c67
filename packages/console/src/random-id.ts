const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/**
 * A random client message id (21 characters of `[A-Za-z0-9_-]`, ~126 bits), as the
 * protocol's `clientId` expects. 64 symbols divide 256, so masking the byte is unbiased.
 */
export function randomId(size = 21): string {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  let id = '';
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}
