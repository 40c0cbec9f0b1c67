import { loadUws } from './load-uws.js';
import { transportContract } from './test-transport-contract.js';
import { createUwsTransport } from './uws-transport.js';

const loaded = loadUws();
if (!loaded.ok) throw new Error(`native uWebSockets.js did not load: ${loaded.reason}`);
const uws = loaded.uws;

transportContract('uws', (handlers, options) => createUwsTransport(uws, handlers, options));
