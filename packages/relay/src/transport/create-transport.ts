import { loadUws, type UwsLoad } from './load-uws.js';
import type { Transport, TransportHandlers, TransportName, TransportOptions } from './transport.js';
import { createUwsTransport } from './uws-transport.js';
import { createWsTransport } from './ws-transport.js';

/** The transport that runs, and why it is not the one asked for (native uWS missing, F15). */
export interface CreatedTransport<D> {
  transport: Transport<D>;
  fallbackReason?: string;
}

/**
 * Builds the requested transport. `uws` falls back to `ws` when the native module cannot load;
 * the caller logs `fallbackReason` in one clear line.
 */
export function createTransport<D>(
  name: TransportName,
  handlers: TransportHandlers<D>,
  options: TransportOptions,
  load: () => UwsLoad = loadUws,
): CreatedTransport<D> {
  if (name === 'ws') return { transport: createWsTransport(handlers, options) };
  const loaded = load();
  if (!loaded.ok) {
    return { transport: createWsTransport(handlers, options), fallbackReason: loaded.reason };
  }
  return { transport: createUwsTransport(loaded.uws, handlers, options) };
}
